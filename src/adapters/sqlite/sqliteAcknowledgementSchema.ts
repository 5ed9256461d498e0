import { Migration } from './sqliteDatabase';

/** The acknowledgement component's schema; each step runs once per database. */
export const ACKNOWLEDGEMENT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE ack_policy_versions (
      policy_id TEXT NOT NULL, version_hash TEXT NOT NULL, title TEXT NOT NULL, version_label TEXT,
      review_date TEXT, key_points TEXT NOT NULL, read_url TEXT, material INTEGER NOT NULL, wording_hash TEXT,
      published_at TEXT NOT NULL, PRIMARY KEY (policy_id, version_hash));
    CREATE TABLE ack_staff (
      user_id TEXT PRIMARY KEY, upn TEXT NOT NULL, display_name TEXT NOT NULL, department TEXT, school TEXT,
      active INTEGER NOT NULL, source TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE ack_sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE ack_conversation_refs (
      user_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, service_url TEXT NOT NULL,
      reference TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE ack_campaigns (
      id TEXT PRIMARY KEY, policy_id TEXT NOT NULL, version_hash TEXT NOT NULL, audience TEXT NOT NULL,
      due_date TEXT NOT NULL, started_at TEXT NOT NULL, started_by TEXT NOT NULL, round INTEGER NOT NULL,
      series_id TEXT NOT NULL, status TEXT NOT NULL, next_round_at TEXT, closed_at TEXT);
    CREATE TABLE ack_deliveries (
      campaign_id TEXT NOT NULL, user_id TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      claimed_by TEXT, lease_until TEXT, not_before TEXT, reason TEXT, sent_at TEXT, activity_id TEXT,
      conversation_id TEXT, last_reminded_at TEXT, remind_count INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL, PRIMARY KEY (campaign_id, user_id));
    CREATE INDEX ack_deliveries_by_state ON ack_deliveries (campaign_id, state);
    CREATE TABLE ack_acknowledgements (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, policy_id TEXT NOT NULL, version_hash TEXT NOT NULL,
      user_id TEXT NOT NULL, upn TEXT NOT NULL, display_name TEXT NOT NULL, department TEXT, school TEXT,
      campaign_id TEXT NOT NULL, acknowledged_at TEXT NOT NULL, channel TEXT NOT NULL,
      UNIQUE (policy_id, version_hash, user_id, campaign_id));
    CREATE TRIGGER ack_acknowledgements_no_update BEFORE UPDATE ON ack_acknowledgements
      BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
    CREATE TRIGGER ack_acknowledgements_no_delete BEFORE DELETE ON ack_acknowledgements
      BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
    CREATE TABLE ack_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      subject TEXT NOT NULL, details TEXT);
    CREATE INDEX ack_audit_by_subject ON ack_audit (subject, seq);
    CREATE TRIGGER ack_audit_no_update BEFORE UPDATE ON ack_audit
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER ack_audit_no_delete BEFORE DELETE ON ack_audit
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TABLE ack_workers (worker_id TEXT PRIMARY KEY, alive_until TEXT NOT NULL);
    `,
  },
  {
    // INSERT OR REPLACE / REPLACE INTO delete the row they replace without firing the delete triggers: an insert
    // that would collide with a stored acknowledgement or audit entry is refused, so neither can be overwritten.
    version: 2,
    sql: `
    CREATE TRIGGER ack_acknowledgements_no_replace BEFORE INSERT ON ack_acknowledgements
      WHEN EXISTS (SELECT 1 FROM ack_acknowledgements WHERE seq = NEW.seq OR (policy_id = NEW.policy_id
        AND version_hash = NEW.version_hash AND user_id = NEW.user_id AND campaign_id = NEW.campaign_id))
      BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
    CREATE TRIGGER ack_audit_no_replace BEFORE INSERT ON ack_audit
      WHEN EXISTS (SELECT 1 FROM ack_audit WHERE seq = NEW.seq)
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    `,
  },
  {
    // Read receipts: when the person read the card (Teams tells the bot in their 1:1 chat).
    version: 3,
    sql: `ALTER TABLE ack_deliveries ADD COLUMN opened_at TEXT;`,
  },
  {
    // Chasing after the due date: the weekly manager digest, and people excused by an owner (on leave).
    version: 4,
    sql: `
    ALTER TABLE ack_deliveries ADD COLUMN last_digest_at TEXT;
    ALTER TABLE ack_deliveries ADD COLUMN excused_at TEXT;
    ALTER TABLE ack_deliveries ADD COLUMN excused_by TEXT;
    `,
  },
];
