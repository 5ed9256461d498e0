import { isOwnerCommand, parseOwnerCommand } from '../../../../src/features/acknowledgement/domain/ownerCommands';

describe('owner commands', () => {
  it('when an owner types a start command, then audience and due date are read', () => {
    expect(parseOwnerCommand('campaign start')).toEqual({ kind: 'start', audience: { kind: 'all' } });
    expect(parseOwnerCommand('Campaign start all staff due 2026-10-01')).toEqual({ kind: 'start', audience: { kind: 'all' }, dueDate: '2026-10-01' });
    expect(parseOwnerCommand('<at>Policy Bot</at> campaign start departments Maths,  English due 2026-10-01'))
      .toEqual({ kind: 'start', audience: { kind: 'department', values: ['Maths', 'English'] }, dueDate: '2026-10-01' });
    expect(parseOwnerCommand('campaign start school North Primary, St Mary\'s'))
      .toEqual({ kind: 'start', audience: { kind: 'school', values: ['North Primary', 'St Mary\'s'] } });
  });

  it('when status, remind or export are typed, then the optional campaign id is read', () => {
    expect(parseOwnerCommand('campaign status')).toEqual({ kind: 'status' });
    expect(parseOwnerCommand('campaign remind ack-20260901-abc123')).toEqual({ kind: 'remind', campaignId: 'ack-20260901-abc123' });
    expect(parseOwnerCommand('campaign EXPORT')).toEqual({ kind: 'export' });
    expect(parseOwnerCommand('campaign')).toEqual({ kind: 'help' });
  });

  it('when an owner excuses or reinstates someone, then the person is read as typed; without one, the usage is shown', () => {
    expect(parseOwnerCommand('campaign excuse sam.jones@school.example')).toEqual({ kind: 'excuse', person: 'sam.jones@school.example' });
    expect(parseOwnerCommand('campaign unexcuse Sam Jones')).toEqual({ kind: 'unexcuse', person: 'Sam Jones' });
    expect(() => parseOwnerCommand('campaign excuse')).toThrow(/Say who/);
    // A paste longer than any name is told so, not asked for a name it was given.
    expect(() => parseOwnerCommand(`campaign excuse **Megan** ${'Z'.repeat(3000)}`)).toThrow(/That is 3010 characters, longer than any name or email address/);
  });

  it('when the words do not fit, then BAD_COMMAND explains the usage and nothing is guessed', () => {
    expect(() => parseOwnerCommand('campaign launch')).toThrow(/not a campaign command[\s\S]*Usage:[\s\S]*campaign start/);
    expect(() => parseOwnerCommand('campaign start everyone')).toThrow(/not an audience/);
    expect(() => parseOwnerCommand('campaign start due')).toThrow(/due date/);
    expect(() => parseOwnerCommand('campaign status <script>')).toThrow(expect.objectContaining({ code: 'BAD_COMMAND' }));
  });

  it('when a message is a question, then it is not taken for a command', () => {
    expect(isOwnerCommand('campaign status')).toBe(true);
    expect(isOwnerCommand('<at>Bot</at> campaign start')).toBe(true);
    expect(isOwnerCommand('Can I join a campaign group on Facebook?')).toBe(false);
    expect(isOwnerCommand(undefined)).toBe(false);
  });
});
