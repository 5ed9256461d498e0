import pino, { Logger } from 'pino';

/**
 * Structured logs. Safeguarding rule: log ids, counts and codes only, never report text, questions
 * with personal data, names or emails. The redaction list is a second line of defence.
 */
export type AppLogger = Logger;

/** Creates the application logger; tests pass a destination to capture lines. */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): AppLogger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'school-policy-bot' },
    redact: {
      paths: [
        '*.text', '*.description', '*.details', '*.whatHappened', '*.who', '*.evidence', '*.note',
        '*.email', '*.displayName', '*.name', '*.givenName', '*.surname', '*.userPrincipalName', '*.question', 'text', 'question',
        'authorization', 'headers.authorization', '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
