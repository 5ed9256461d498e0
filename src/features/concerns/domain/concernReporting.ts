import { ConcernOutbox } from './concernOutbox';
import { ConcernLog, ConcernStore } from './concernPorts';
import { ConcernRoutingTable, resolveConcernRoute } from './concernRouting';
import { ConcernOrigin, ConcernReport, ConcernReporter, DestinationRole } from './concernTypes';
import { ConcernFieldProblem, ConcernFormValues, validateConcernForm } from './concernValidation';

/** What reporting needs. */
export interface ConcernReportingDeps {
  store: ConcernStore;
  outbox: ConcernOutbox;
  routing: ConcernRoutingTable;
  referencePrefix: string;
  log: ConcernLog;
  now?: () => Date;
  /**
   * How long the reporter's answer waits for delivery (default 4 s, inside Teams' invoke timeout). Delivery
   * carries on after it; the reporter is then told the report is saved and being delivered.
   */
  deliveryWaitMs?: number;
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
    };

/** Reporting a concern: validate, store with its routing task in one transaction, then deliver. */
export interface ConcernReporting {
  /** Validates the form; when valid stores the report before routing it, then routes it and says where it went. */
  submitConcern(reporter: ConcernReporter, origin: ConcernOrigin, form: unknown): Promise<SubmitConcernResult>;
}

/** Creates the reporting use case. */
export function createConcernReporting(deps: ConcernReportingDeps): ConcernReporting {
  const now = deps.now ?? (() => new Date());
  return {
    async submitConcern(reporter, origin, form) {
      const result = validateConcernForm(form);
      if (!result.ok) return { ok: false, values: result.values, problems: result.problems };

      const route = resolveConcernRoute(result.draft, deps.routing);
      const report = await deps.store.createConcern(
        { draft: result.draft, reporter, origin, submittedAt: now().toISOString(), referencePrefix: deps.referencePrefix },
        [{ kind: 'route', primary: route.primary, fallback: route.fallback }],
      );
      deps.log.info(
        { reference: report.reference, kind: report.kind, urgent: report.immediateDanger, route: route.primary },
        'concern stored',
      );
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
      };
    },
  };
}
