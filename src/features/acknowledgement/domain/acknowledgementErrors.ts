/** Stable codes of acknowledgement failures; each becomes a clear message, never a stack trace. */
export type AcknowledgementErrorCode =
  | 'NOT_POLICY_OWNER'
  | 'UNKNOWN_POLICY'
  | 'NO_POLICY'
  | 'UNKNOWN_VERSION'
  | 'NO_CAMPAIGN'
  | 'BAD_COMMAND'
  | 'BAD_DUE_DATE'
  | 'EMPTY_AUDIENCE'
  | 'BAD_CARD_DATA'
  | 'NOT_CURRENT_STAFF'
  | 'CAMPAIGN_RUNNING';

/** A failure the user or owner can act on; `message` is safe to show them. */
export class AcknowledgementError extends Error {
  constructor(readonly code: AcknowledgementErrorCode, message: string) {
    super(message);
    this.name = 'AcknowledgementError';
  }
}
