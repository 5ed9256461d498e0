import { GraphError } from '@microsoft/microsoft-graph-client';
import { DeliveryError, DeliveryErrorCode } from '../../features/acknowledgement/sending/sendingPorts';
import { parseRetryAfter, RETRYABLE_STATUSES } from '../../features/acknowledgement/sending/retryPolicy';

/** The HTTP status of a Graph failure (-1 or 0 when Graph could not be reached). */
export function graphStatus(err: unknown): number {
  return err instanceof GraphError ? err.statusCode : (err as { statusCode?: number })?.statusCode ?? 0;
}

/** Turns a Graph client failure into a DeliveryError with a stable code; 429, 5xx and network errors are transient. */
export function toDeliveryError(err: unknown, code: DeliveryErrorCode, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const status = graphStatus(err);
  const transient = status <= 0 || RETRYABLE_STATUSES.has(status) || status >= 500;
  const headers = err instanceof GraphError ? err.headers : undefined;
  const retryAfterMs = parseRetryAfter(headers?.get?.('retry-after'));
  return new DeliveryError(transient ? 'GRAPH_TRANSIENT' : code, `${what} failed (HTTP ${status})`, {
    status: status > 0 ? status : undefined,
    retryAfterMs,
    transient,
  });
}
