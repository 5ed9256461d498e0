import { markAboutHeadteacher } from './aboutHeadteacherMark';
import { ConcernOutbox, UNDELIVERED_ALERT_MS } from './concernOutbox';
import { normaliseConcernReference } from './concernReference';
import { createConcernRefusals } from './concernRefusals';
import { ConcernLog, ConcernStore } from './concernPorts';
import { HeadteacherCheck } from './headteacherNames';
import { ConcernRoutingTable, isWaitingRole, resolveConcernRoute } from './concernRouting';
import { ConcernCase, ConcernDraft, ConcernOrigin, ConcernReport, ConcernReporter, DestinationRole, NewConcernEvent } from './concernTypes';
import {
  CONCERN_TEXT_FIELDS, ConcernFieldProblem, ConcernFormValues, ConcernTextField, KINDS_ABOUT_A_PERSON, namesHeadteacher, readConcernAdditions, validateConcernForm,
} from './concernValidation';
import { CHANGED_MESSAGE_NOTE, ReportedMessageSeal } from './reportedMessageSeal';
import { ROUTE_NOT_CONFIGURED } from './routeSetup';
import { createUrgentRepeats, UrgentRepeats } from './urgentRepeats';

/** What reporting needs. */
export interface ConcernReportingDeps {
  store: ConcernStore;
  outbox: ConcernOutbox;
  routing: ConcernRoutingTable;
  referencePrefix: string;
  log: ConcernLog;
  /** The headteacher's Entra object id: their attempt to add to a report about them alerts the chair of governors. */
  headteacherId?: string;
  /** The headteacher's name and whether they are on the team: a report naming them is asked about (headteacherNames.ts). */
  headteacher?: HeadteacherCheck;
  now?: () => Date;
  /**
   * How long the reporter's answer waits for delivery (default 4 s, inside Teams' invoke timeout). Delivery
   * carries on after it; the reporter is then told the report is saved and being delivered.
   */
  deliveryWaitMs?: number;
  /** How long a report may reach no one before the reporter, the team and the owners are told (default two minutes). */
  undeliveredAlertMs?: number;
  /** Called with the time the delivery watch falls due, so the outbox can run then (a timer in the process). */
  wakeAt?: (at: Date) => void;
  /** Recent urgent reports, to recognise one sent again unchanged (createUrgentRepeats by default). */
  repeats?: UrgentRepeats;
  /**
   * The seal on a message reported with the message action (the same one the form was given with). A report whose
   * message no longer matches its seal is filed with the message marked as changed. Without one, nothing is checked.
   */
  messageSeal?: ReportedMessageSeal;
}

/** The outcome of a submission, as the reporter is told it. */
export type SubmitConcernResult =
  | { ok: false; values: ConcernFormValues; problems: ConcernFieldProblem[] }
  | {
      ok: true;
      report: ConcernReport;
      urgent: boolean;
      /** The role it reached, or undefined when it is stored and still being delivered. */
      deliveredTo?: DestinationRole;
      /** The role it is meant for. */
      intendedFor: DestinationRole;
      /**
       * True when that role is not set up yet (the route is not configured): the report is stored and waits, untried,
       * and the reporter must be told it has NOT been sent and to go to the DSL in person.
       */
      waiting: boolean;
      /** Fields an urgent report went without; the reporter is asked for them afterwards. */
      missing: ConcernTextField[];
      /** True when it was urgent and no kind was chosen, so it went as a child's safety concern. */
      kindAssumed: boolean;
      /**
       * True when the same person sent this urgent report, unchanged, within the hour: it is the earlier report, as it
       * stands now, and nothing was recorded or sent again.
       */
      repeated?: boolean;
    };

type FiledConcern = Extract<SubmitConcernResult, { ok: true }>;

/** The outcome of a reporter adding what an urgent report went without. */
export type AddConcernDetailsResult =
  | ({ ok: true; added: ConcernTextField[]; stillMissing: ConcernTextField[]; /** What was added names the headteacher: it now goes to the chair (the case as it now stands, with where it had been sent). */ movedToChair?: ConcernCase } & ReportPlace)
  | ({ ok: false; missing: ConcernTextField[]; message: string } & ReportPlace);

/** Which report, and where it went, for the reporter's card. */
interface ReportPlace {
  reference: string;
  urgent: boolean;
  deliveredTo?: DestinationRole;
  intendedFor: DestinationRole;
  /** Not delivered, and its role is not set up yet: it waits. */
  waiting?: boolean;
}

/** Reporting a concern: validate, store with its routing task in one transaction, then deliver. */
export interface ConcernReporting {
  /** Validates the form; when valid stores the report before routing it, then routes it and says where it went. */
  submitConcern(reporter: ConcernReporter, origin: ConcernOrigin, form: unknown): Promise<SubmitConcernResult>;
  /**
   * Appends what the reporter adds afterwards to an urgent report sent with fields missing. Only the person who
   * reported it may add to it; anyone else is told the reference was not found, as if it did not exist, and the
   * attempt is recorded like any refusal.
   */
  addDetails(reporter: ConcernReporter, reference: string, form: unknown): Promise<AddConcernDetailsResult>;
}

const isTextField = (f: string): f is ConcernTextField => (CONCERN_TEXT_FIELDS as readonly string[]).includes(f);

/**
 * The report with its attached message marked as changed when the message is not the one the bot sealed for this
 * reporter (reportedMessageSeal.ts): filed all the same, since a report is never lost, but never shown as the message
 * as Teams gave it.
 */
function withMessageAsSealed<R extends { values: { attachedMessage: string; attachedSeal: string }; draft: ConcernDraft }>(
  result: R, reporter: ConcernReporter, seal: ReportedMessageSeal | undefined,
): R {
  const attached = result.draft.details.attachedMessage;
  if (!seal || !attached || seal.holds(reporter.aadObjectId, result.values.attachedMessage, result.values.attachedSeal)) return result;
  return { ...result, draft: { ...result.draft, details: { ...result.draft.details, attachedMessage: `${CHANGED_MESSAGE_NOTE}\n${attached}` } } };
}

/** Creates the reporting use case. */
export function createConcernReporting(deps: ConcernReportingDeps): ConcernReporting {
  const now = deps.now ?? (() => new Date());
  const refusals = createConcernRefusals(deps);
  const repeats = deps.repeats ?? createUrgentRepeats(() => now().getTime());

  /** The earlier filing as it stands now: where it has reached, and what it still lacks after what the reporter added. */
  async function asRepeat(first: FiledConcern): Promise<FiledConcern> {
    const current = await deps.store.getCaseById(first.report.id);
    const added = new Set((current?.events ?? []).filter((e) => e.type === 'detailsAdded').flatMap((e) => Object.keys(e.data)));
    deps.log.info({ reference: first.report.reference, event: 'concern.repeatRecognised' }, 'an urgent report sent again unchanged was recognised: not recorded twice');
    return { ...first, deliveredTo: current?.deliveredTo ?? first.deliveredTo, missing: first.missing.filter((f) => !added.has(f)), repeated: true };
  }

  /** Stores the report with its routing, then waits a little for it to be delivered. */
  async function file(reporter: ConcernReporter, origin: ConcernOrigin, result: Extract<ReturnType<typeof validateConcernForm>, { ok: true }>): Promise<FiledConcern> {
    const route = resolveConcernRoute(result.draft, deps.routing);
    const waiting = isWaitingRole(deps.routing, route.primary);
    const submittedAt = now();
    // A report that waits for its route to be set up is watched at once: the team and owners hear of it now.
    const watchAt = waiting ? submittedAt : new Date(submittedAt.getTime() + (deps.undeliveredAlertMs ?? UNDELIVERED_ALERT_MS));
    const report = await deps.store.createConcern(
      { draft: result.draft, reporter, origin, submittedAt: submittedAt.toISOString(), referencePrefix: deps.referencePrefix },
      [{ kind: 'route', primary: route.primary, fallback: route.fallback }, { kind: 'watchDelivery', notBefore: watchAt.toISOString() }],
    );
    if (waiting) {
      // The receipt the reporter gets from this call says it has NOT been sent and to go to the DSL in person; the
      // chronology records both, so no later notice tells them a different story.
      const at = submittedAt.toISOString();
      await deps.store.append(report.id, [
        { type: 'routeFailed', at, data: { role: route.primary, stage: 'primary', code: ROUTE_NOT_CONFIGURED, waiting: 'true' } },
        { type: 'reporterNotified', at, data: { notice: 'waiting' } },
      ]);
      deps.log.error(
        { reference: report.reference, kind: report.kind, urgent: report.immediateDanger, route: route.primary, code: ROUTE_NOT_CONFIGURED },
        'concern stored; it waits: its route is not configured, and the reporter is told to go to the DSL in person',
      );
    } else {
      deps.wakeAt?.(watchAt);
      deps.log.info(
        { reference: report.reference, kind: report.kind, urgent: report.immediateDanger, route: route.primary },
        'concern stored',
      );
    }
    const delivering = deps.outbox.processDue().catch((err) => {
      // The report is safe in the store; the outbox will be processed again on the next run.
      deps.log.error({ reference: report.reference, code: (err as { code?: string }).code ?? 'OUTBOX_ERROR' }, 'outbox run failed');
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => { timer = setTimeout(resolve, deps.deliveryWaitMs ?? 4000); });
    await Promise.race([delivering, waited]);
    clearTimeout(timer);
    const stored = await deps.store.getCaseById(report.id);
    return {
      ok: true, report, urgent: report.immediateDanger, deliveredTo: stored?.deliveredTo, intendedFor: route.primary,
      waiting,
      missing: (result.draft.missing ?? []).filter(isTextField),
      kindAssumed: result.values.kind !== result.draft.kind,
    };
  }

  return {
    async submitConcern(reporter, origin, form) {
      const validated = validateConcernForm(form, await deps.headteacher?.context() ?? {});
      if (!validated.ok) return { ok: false, values: validated.values, problems: validated.problems };
      const result = withMessageAsSealed(validated, reporter, deps.messageSeal);
      // The same report sent again unchanged is recognised, not filed twice: an urgent one whatever form it came from
      // (it is never refused by the report budget, so this is its only guard), any other when it is the same form
      // (Send pressed twice, or again after a slow answer: the form's id, drawn when it was first shown, says so).
      const formId = result.values.formId;
      if (!result.draft.immediateDanger && !formId) return file(reporter, origin, result);
      const seen = result.draft.immediateDanger ? result.draft : { ...result.draft, formId };
      // Looked up and remembered without an await in between: two copies sent at once are filed once.
      const earlierFiling = repeats.earlier<FiledConcern>(reporter.aadObjectId, seen);
      const earlier = earlierFiling && await earlierFiling.catch(() => undefined);
      if (earlier) return asRepeat(earlier);
      const filing = file(reporter, origin, result);
      repeats.remember(reporter.aadObjectId, seen, filing);
      return filing;
    },

    async addDetails(reporter, reference, form) {
      const typed = normaliseConcernReference(reference);
      const found = typed ? await deps.store.getCase(typed) : undefined;
      if (!found || found.report.reporter.aadObjectId !== reporter.aadObjectId) {
        // Recorded like any refusal; the answer is the same whether the report does not exist or is someone else's.
        await refusals.record(reporter, 'addDetails', typed, found, found ? (refusals.isAboutThem(found, reporter) ? 'aboutThem' : 'notPermitted') : 'notFound');
        return { ok: false, reference, urgent: false, intendedFor: 'dslChannel', missing: [], message: typed ? `No report ${typed} of yours was found.` : 'No report of yours has that reference.' };
      }
      const intendedFor = resolveConcernRoute(found.report, deps.routing).primary;
      const place: ReportPlace = {
        reference: found.report.reference, urgent: found.urgent, deliveredTo: found.deliveredTo, intendedFor,
        waiting: found.deliveredTo === undefined && isWaitingRole(deps.routing, intendedFor),
      };
      const submitted = found.events.find((e) => e.type === 'submitted');
      const added = new Set(found.events.filter((e) => e.type === 'detailsAdded').flatMap((e) => Object.keys(e.data)));
      const missing = (submitted?.data.missing ?? '').split(',').filter(isTextField).filter((f) => !added.has(f));
      if (missing.length === 0) return { ok: false, ...place, missing, message: 'Nothing is missing from this report: thank you.' };
      const read = readConcernAdditions(form, missing);
      if (!read.ok) return { ok: false, ...place, missing, message: read.message };
      const fields = Object.keys(read.added).filter(isTextField);
      const at = now();
      const by = { actorId: reporter.aadObjectId, actorName: reporter.name };
      const details: NewConcernEvent = { type: 'detailsAdded', at: at.toISOString(), ...by, data: read.added as Record<string, string> };
      // An allegation or a colleague's conduct whose added details name the headteacher goes on to the chair of governors,
      // as an urgent report naming them does when sent (it is never held back to ask): the headteacher must never read it.
      const toChair = KINDS_ABOUT_A_PERSON.has(found.report.kind) && !found.report.aboutHeadteacher
        && namesHeadteacher(Object.values(read.added).join('\n'), await deps.headteacher?.context() ?? {});
      const marked = toChair ? markAboutHeadteacher(found, {
        ...by, at, routing: deps.routing, byReporterDetails: true,
        ...(deps.headteacherId ? { headteacherId: deps.headteacherId } : {}), ...(deps.undeliveredAlertMs ? { undeliveredAlertMs: deps.undeliveredAlertMs } : {}),
      }) : undefined;
      await deps.store.append(found.report.id, [details, ...(marked?.events ?? [])], marked?.tasks ?? []);
      deps.log.info({ reference: found.report.reference, fields: fields.length, aboutHeadteacher: toChair }, 'concern details added by reporter');
      const stillMissing = missing.filter((f) => !fields.includes(f));
      if (!marked) return { ok: true, ...place, added: fields, stillMissing };
      // Delivered as a new report is, without holding up the reporter's answer; the watch is woken when it falls due.
      void deps.outbox.processDue().catch((err) => {
        deps.log.error({ reference: found.report.reference, code: (err as { code?: string }).code ?? 'OUTBOX_ERROR' }, 'outbox run failed');
      });
      deps.wakeAt?.(new Date(at.getTime() + (deps.undeliveredAlertMs ?? UNDELIVERED_ALERT_MS)));
      const intended = resolveConcernRoute({ ...found.report, aboutHeadteacher: true }, deps.routing).primary;
      return {
        ok: true, reference: place.reference, urgent: place.urgent, intendedFor: intended, waiting: isWaitingRole(deps.routing, intended), added: fields, stillMissing,
        // As it now stands: every copy recorded as sent to the headteacher so far is withdrawn.
        movedToChair: (await deps.store.getCaseById(found.report.id)) ?? found,
      };
    },
  };
}
