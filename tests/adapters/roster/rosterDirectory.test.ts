import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRosterStaffDirectory, parseRoster } from '../../../src/adapters/roster/rosterDirectory';
import { DeliveryError } from '../../../src/features/acknowledgement/sending/sendingPorts';

describe('roster staff directory', () => {
  it('when local mode reads the sample roster, then it lists the Playground users by their aadObjectIds', async () => {
    const snapshot = await createRosterStaffDirectory(path.join('samples', 'roster.csv')).readStaff();

    expect(snapshot.complete).toBe(true);
    expect(snapshot.members).toHaveLength(6);
    expect(snapshot.members[0]).toEqual({
      userId: '00000000-0000-0000-0000-0000000000020', displayName: 'Alex Wilber', userPrincipalName: 'alexw@example.com',
      department: 'Senior leadership', school: 'Northfield Primary',
    });
  });

  it('when cells are quoted with commas and columns are reordered, then each person is read correctly', () => {
    const people = parseRoster('upn,AADObjectId,name,school\r\n"a@x.org",id-1,"Smith, Jo ""JJ""",\r\nb@x.org,id-2,Bo Lee,"St Mary\'s, Upper"\r\n');

    expect(people).toEqual([
      { userId: 'id-1', displayName: 'Smith, Jo "JJ"', userPrincipalName: 'a@x.org' },
      { userId: 'id-2', displayName: 'Bo Lee', userPrincipalName: 'b@x.org', school: "St Mary's, Upper" },
    ]);
  });

  it('when the header lacks a required column, then ROSTER_INVALID names it', () => {
    expect(() => parseRoster('name,upn\nJo,jo@x.org\n')).toThrow(expect.objectContaining({ code: 'ROSTER_INVALID', message: 'Roster header lacks aadObjectId' }));
  });

  it('when an id repeats or the file is missing, then ROSTER_INVALID says which line without quoting personal data', async () => {
    expect(() => parseRoster('aadObjectId,name,upn\nid-1,Jo,jo@x\nid-1,Jo Again,jo2@x\n')).toThrow('Roster line 3 repeats an aadObjectId');
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roster-')), 'none.csv');
    await expect(createRosterStaffDirectory(missing).readStaff()).rejects.toBeInstanceOf(DeliveryError);
  });

  it('when the roster has a manager column, then each person\'s line manager is known, and a person is never their own manager', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-'));
    const file = path.join(dir, 'roster.csv');
    fs.writeFileSync(file, 'aadObjectId,name,upn,manager\nhead,Head,head@x.org,head\nt1,Teacher,t1@x.org,head\nt2,Other,t2@x.org,\n');
    const roster = createRosterStaffDirectory(file);
    expect((await roster.readStaff()).members.map((m) => Object.keys(m).includes('managerId'))).toEqual([false, false, false]);
    expect([await roster.managerOf('t1'), await roster.managerOf('t2'), await roster.managerOf('head')]).toEqual(['head', undefined, undefined]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
