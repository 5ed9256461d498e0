import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, AppLogger } from '../../../../src/shared/logger';
import { ConcernDelivery, HeadteacherAttempt, PostedCopy, ReporterNoticeKind, ReporterNotifier } from '../../../../src/features/concerns/domain/concernPorts';
import { ConcernRoutingTable, DEFAULT_CONCERN_ROUTES, DestinationAddress } from '../../../../src/features/concerns/domain/concernRouting';
import { ConcernCase, ConcernOrigin, ConcernReport, ConcernReporter, DestinationRole } from '../../../../src/features/concerns/domain/concernTypes';

/** A delivery double that records every post and fails the roles it is told to fail. */
export class RecordingDelivery implements ConcernDelivery {
  readonly posts: { role: DestinationRole; address: DestinationAddress; reference: string; possibleDuplicate: boolean }[] = [];
  readonly attempts: { role: DestinationRole; reference: string }[] = [];
  failing = new Set<DestinationRole>();

  /** Why each post came by the fallback route, as its card says first (undefined: it did not). */
  readonly fallbackReasons: (string | undefined)[] = [];

  async deliver(role: DestinationRole, address: DestinationAddress, concern: ConcernCase, options: { possibleDuplicate: boolean; fallbackReason?: string }) {
    this.attempts.push({ role, reference: concern.report.reference });
    if (this.failing.has(role)) throw Object.assign(new Error('destination unavailable'), { code: 'HTTP_503' });
    this.posts.push({ role, address, reference: concern.report.reference, possibleDuplicate: options.possibleDuplicate });
    this.fallbackReasons.push(options.fallbackReason);
    const conversationId = address.kind === 'person' ? `a:${address.aadObjectId}` : address.kind === 'eachMember' ? undefined : address.conversationId;
    return { messageId: `msg-${this.posts.length}`, conversationId };
  }

  /** Alerts to the chair of governors: the address, the reference and the attempt (all the port is given to say). */
  readonly alerts: { address: DestinationAddress; reference: string; attempt: HeadteacherAttempt; role?: DestinationRole }[] = [];

  async alertHeadteacherAttempt(role: DestinationRole, address: DestinationAddress, report: ConcernReport, attempt: HeadteacherAttempt) {
    if (this.failing.has(role)) throw Object.assign(new Error('chair unavailable'), { code: 'HTTP_503' });
    this.alerts.push({ address, reference: report.reference, attempt, ...(role === 'chairOfGovernors' ? {} : { role }) });
  }

  /** Copies withdrawn from the headteacher's chat, and the code to fail a withdrawal with (none: it works). */
  readonly withdrawn: (PostedCopy & { reference: string })[] = [];
  withdrawFails?: string;

  async withdrawCopy(report: ConcernReport, copy: PostedCopy) {
    if (this.withdrawFails) throw Object.assign(new Error('withdrawal failed'), { code: this.withdrawFails });
    this.withdrawn.push({ ...copy, reference: report.reference });
  }
}

/** A notifier double that records what each reporter was told. */
export class RecordingNotifier implements ReporterNotifier {
  readonly notices: { reference: string; notice: ReporterNoticeKind; deliveredTo?: DestinationRole }[] = [];
  async notify(report: ConcernReport, notice: ReporterNoticeKind, deliveredTo: DestinationRole | undefined) {
    this.notices.push({ reference: report.reference, notice, deliveredTo });
  }
}

/** Ids of the people in the tests. */
export const PEOPLE = {
  dsl: 'aad-dsl-0001',
  deputy: 'aad-deputy-0002',
  seniorManager: 'aad-sm-0003',
  headteacher: 'aad-head-0004',
  chair: 'aad-chair-0005',
  reporter: 'aad-reporter-0006',
  outsider: 'aad-outsider-0007',
};

/** The DSL channel's conversation id in the tests. */
export const DSL_CHANNEL = '19:safeguarding@thread.tacv2';

/** A routing table with every role filled. */
export function testRouting(overrides: Partial<ConcernRoutingTable> = {}): ConcernRoutingTable {
  return {
    routes: { ...DEFAULT_CONCERN_ROUTES },
    destinations: {
      dslChannel: { kind: 'channel', conversationId: DSL_CHANNEL },
      deputyDsl: { kind: 'person', aadObjectId: PEOPLE.deputy },
      seniorManager: { kind: 'person', aadObjectId: PEOPLE.seniorManager },
      headteacher: { kind: 'person', aadObjectId: PEOPLE.headteacher },
      chairOfGovernors: { kind: 'person', aadObjectId: PEOPLE.chair },
    },
    fallback: 'deputyDsl',
    ...overrides,
  };
}

/** The reporter in the tests. */
export const REPORTER: ConcernReporter = {
  aadObjectId: PEOPLE.reporter, name: 'Robin Reporter', address: { userId: '29:reporter', personal: true },
};

/** Where reports come from in the tests. */
export const ORIGIN: ConcernOrigin = { serviceUrl: 'http://127.0.0.1:9/', tenantId: 'tenant-1', channelId: 'msteams', source: 'chat' };

/** Distinctive report text, so a test can search logs and raw bytes for any fragment of it. */
export const SECRET_TEXT = {
  whatHappened: 'PUPIL-ZEBRA sent a private message asking to meet after school',
  whenHappened: 'Tuesday 14:05 QUOKKA-TIME',
  where: 'Snapchat PLATYPUS-PLACE',
  peopleInvolved: 'Year 9 pupil KESTREL-NAME and an unknown adult',
  evidence: 'Screenshot kept by OTTER-EVIDENCE',
  note: 'Spoke to parent NARWHAL-NOTE',
  outcome: 'Referred, outcome IBEX-OUTCOME',
};

/** A complete form for a kind, as card inputs arrive (strings, toggles as "true"/"false"). */
export function formFor(kind: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    kind,
    whatHappened: SECRET_TEXT.whatHappened,
    whenHappened: SECRET_TEXT.whenHappened,
    where: SECRET_TEXT.where,
    peopleInvolved: SECRET_TEXT.peopleInvolved,
    evidence: SECRET_TEXT.evidence,
    immediateDanger: 'false',
    aboutHeadteacher: 'false',
    ...extra,
  };
}

/** A random 32-byte key. */
export function testKey(): Buffer {
  return crypto.randomBytes(32);
}

/** A logger writing into memory through createLogger(level, destination), for proving what is and is not logged. */
export function capturedLogger(): { logger: AppLogger; lines: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('trace', destination), lines: () => chunks.join('') };
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-03-02T09:00:00.000Z'): { now: () => Date; advance: (ms: number) => void } {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms) => { t += ms; } };
}

/** A sleep that does not wait. */
export const noSleep = async (): Promise<void> => undefined;
