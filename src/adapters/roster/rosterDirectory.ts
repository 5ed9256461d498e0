import { parse } from 'csv-parse/sync';
import fs from 'node:fs/promises';
import { DeliveryError, DirectoryPerson, StaffDirectorySource, StaffSnapshot } from '../../features/acknowledgement/sending/sendingPorts';
import { ManagerLookup } from '../../features/acknowledgement/domain/campaignPorts';

/**
 * Columns of the local-mode roster: aadObjectId, name and upn are required; department, school and manager (the line
 * manager's aadObjectId, for the weekly digest after a due date) are optional.
 */
export const ROSTER_COLUMNS = ['aadObjectId', 'name', 'upn', 'department', 'school', 'manager'] as const;
const REQUIRED = ['aadObjectId', 'name', 'upn'];

/** Staff from a roster CSV file (local mode, or a school without Graph access): a full read every time. */
export function createRosterStaffDirectory(filePath: string): StaffDirectorySource & ManagerLookup {
  let managers = new Map<string, string>();
  async function read(): Promise<(DirectoryPerson & { managerId?: string })[]> {
    let text: string;
    try {
      text = await fs.readFile(filePath, 'utf8');
    } catch {
      throw new DeliveryError('ROSTER_INVALID', `Roster file not readable: ${filePath}`);
    }
    const people = parseRoster(text);
    managers = new Map(people.filter((p) => p.managerId).map((p) => [p.userId, p.managerId!]));
    return people;
  }
  return {
    kind: 'roster',
    async managerOf(userId) {
      if (managers.size === 0) await read().catch(() => undefined);
      return managers.get(userId);
    },
    async readStaff(): Promise<StaffSnapshot> {
      return { members: (await read()).map(({ managerId: _manager, ...person }: DirectoryPerson & { managerId?: string }) => person), departedIds: [], complete: true };
    },
  };
}

/** Parses roster CSV text (RFC 4180 quoting, any column order, header names case-insensitive). */
export function parseRoster(text: string): (DirectoryPerson & { managerId?: string })[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, '')).filter((r) => r.some((cell) => cell.trim() !== ''));
  if (rows.length === 0) throw new DeliveryError('ROSTER_INVALID', 'Roster is empty');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const index = (name: string): number => header.indexOf(name.toLowerCase());
  const missing = REQUIRED.filter((c) => index(c) < 0);
  if (missing.length > 0) throw new DeliveryError('ROSTER_INVALID', `Roster header lacks ${missing.join(', ')}`);
  const seen = new Set<string>();
  const people: (DirectoryPerson & { managerId?: string })[] = [];
  rows.slice(1).forEach((row, i) => {
    const cell = (name: string): string | undefined => {
      const at = index(name);
      const value = at >= 0 ? row[at]?.trim() : undefined;
      return value ? value : undefined;
    };
    const userId = cell('aadObjectId');
    const line = i + 2;
    if (!userId) throw new DeliveryError('ROSTER_INVALID', `Roster line ${line} has no aadObjectId`);
    if (seen.has(userId)) throw new DeliveryError('ROSTER_INVALID', `Roster line ${line} repeats an aadObjectId`);
    seen.add(userId);
    const person: DirectoryPerson & { managerId?: string } = { userId, displayName: cell('name'), userPrincipalName: cell('upn') };
    const department = cell('department');
    const school = cell('school');
    const manager = cell('manager');
    if (department) person.department = department;
    if (school) person.school = school;
    if (manager && manager !== userId) person.managerId = manager;
    people.push(person);
  });
  return people;
}

/** RFC 4180 rows; ragged or badly quoted rows are kept (and judged by the caller), never thrown on. */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, relax_quotes: true, bom: true }) as string[][];
}
