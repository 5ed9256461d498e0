import { ConcernReferenceDraw } from '../../../../src/features/concerns/domain/concernReference';
import { createConcernOutbox } from '../../../../src/features/concerns/domain/concernOutbox';
import { ConcernRoutingTable } from '../../../../src/features/concerns/domain/concernRouting';
import { createConcernReporting } from '../../../../src/features/concerns/domain/concernReporting';
import { createHeadteacherCheck } from '../../../../src/features/concerns/domain/headteacherNames';
import { createConcernTriage } from '../../../../src/features/concerns/domain/concernTriage';
import { AppLogger } from '../../../../src/shared/logger';
import { createFieldCipher } from '../../../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../../../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { capturedLogger, manualClock, noSleep, PEOPLE, RecordingDelivery, RecordingNotifier, testRouting } from './concernFakes';

/** Everything a use-case test needs, over the real SQLite store (in memory unless a file is given). */
export function concernHarness(options: {
  file?: string; key?: Buffer; routing?: ConcernRoutingTable; delivery?: RecordingDelivery; notifier?: RecordingNotifier;
  logger?: AppLogger; newReference?: ConcernReferenceDraw; headteacherNames?: string[];
} = {}) {
  const clock = manualClock();
  const db: SqliteDatabase = openSqliteDatabase(options.file ?? ':memory:');
  const store = createSqliteConcernStore(db, createFieldCipher(options.key ?? Buffer.alloc(32, 7)), { newReference: options.newReference });
  const delivery = options.delivery ?? new RecordingDelivery();
  const notifier = options.notifier ?? new RecordingNotifier();
  const captured = capturedLogger();
  const log = options.logger ?? captured.logger;
  const routing = options.routing ?? testRouting();
  const outbox = createConcernOutbox({ store, delivery, notifier, routing, log, now: clock.now, sleep: noSleep, attemptsPerDestination: 3 });
  const headteacher = options.headteacherNames
    ? createHeadteacherCheck({ names: async () => options.headteacherNames ?? [], known: () => options.headteacherNames ?? [] }, true) : undefined;
  const reporting = createConcernReporting({
    store, outbox, routing, referencePrefix: 'SG', log, now: clock.now, headteacherId: PEOPLE.headteacher, ...(headteacher ? { headteacher } : {}),
  });
  const triage = createConcernTriage({
    store, outbox, log, now: clock.now, headteacherId: PEOPLE.headteacher,
    // As compose/concerns.ts: everyone reports go to by name may list those sent to them.
    recipients: new Set([PEOPLE.deputy, PEOPLE.seniorManager, PEOPLE.headteacher, PEOPLE.chair]), routing,
    // The headteacher is on the team too, as in many schools where the head is also the DSL.
    team: [{ aadObjectId: PEOPLE.dsl, name: 'Dana DSL' }, { aadObjectId: PEOPLE.deputy, name: 'Dev Deputy' }, { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' }],
  });
  return { db, store, delivery, notifier, outbox, reporting, triage, clock, logLines: captured.lines };
}
