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
  {
    // Owner views at 50,000 staff: status reads counts kept as deliveries and acknowledgements are written, not
    // every recipient. Each delivery carries the department and school it was counted under (recorded when the
    // person was added to the campaign) and when it was acknowledged; triggers keep one tally row per combination.
    // Existing campaigns get their columns and tallies built here, once.
    version: 5,
    sql: `
    ALTER TABLE ack_deliveries ADD COLUMN department TEXT;
    ALTER TABLE ack_deliveries ADD COLUMN school TEXT;
    ALTER TABLE ack_deliveries ADD COLUMN acknowledged_at TEXT;
    UPDATE ack_deliveries SET
      department = (SELECT s.department FROM ack_staff s WHERE s.user_id = ack_deliveries.user_id),
      school = (SELECT s.school FROM ack_staff s WHERE s.user_id = ack_deliveries.user_id),
      acknowledged_at = (SELECT MIN(a.acknowledged_at) FROM ack_acknowledgements a JOIN ack_campaigns c ON c.id = ack_deliveries.campaign_id
        WHERE a.policy_id = c.policy_id AND a.version_hash = c.version_hash AND a.user_id = ack_deliveries.user_id
        AND (a.campaign_id = c.id OR a.acknowledged_at >= c.started_at));
    CREATE TABLE ack_delivery_tallies (
      campaign_id TEXT NOT NULL, department TEXT NOT NULL, school TEXT NOT NULL, state TEXT NOT NULL,
      acknowledged INTEGER NOT NULL, excused INTEGER NOT NULL, opened INTEGER NOT NULL, n INTEGER NOT NULL,
      PRIMARY KEY (campaign_id, department, school, state, acknowledged, excused, opened));
    INSERT INTO ack_delivery_tallies
      SELECT campaign_id, COALESCE(department, ''), COALESCE(school, ''), state, acknowledged_at IS NOT NULL,
        excused_at IS NOT NULL, opened_at IS NOT NULL, COUNT(*)
      FROM ack_deliveries GROUP BY 1, 2, 3, 4, 5, 6, 7;
    CREATE TRIGGER ack_deliveries_tally_insert AFTER INSERT ON ack_deliveries BEGIN
      INSERT INTO ack_delivery_tallies VALUES (NEW.campaign_id, COALESCE(NEW.department, ''), COALESCE(NEW.school, ''),
        NEW.state, NEW.acknowledged_at IS NOT NULL, NEW.excused_at IS NOT NULL, NEW.opened_at IS NOT NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER ack_deliveries_tally_update AFTER UPDATE ON ack_deliveries
      WHEN OLD.state IS NOT NEW.state OR OLD.department IS NOT NEW.department OR OLD.school IS NOT NEW.school
        OR (OLD.acknowledged_at IS NULL) <> (NEW.acknowledged_at IS NULL) OR (OLD.excused_at IS NULL) <> (NEW.excused_at IS NULL)
        OR (OLD.opened_at IS NULL) <> (NEW.opened_at IS NULL) OR OLD.campaign_id IS NOT NEW.campaign_id
    BEGIN
      UPDATE ack_delivery_tallies SET n = n - 1 WHERE campaign_id = OLD.campaign_id AND department = COALESCE(OLD.department, '')
        AND school = COALESCE(OLD.school, '') AND state = OLD.state AND acknowledged = (OLD.acknowledged_at IS NOT NULL)
        AND excused = (OLD.excused_at IS NOT NULL) AND opened = (OLD.opened_at IS NOT NULL);
      INSERT INTO ack_delivery_tallies VALUES (NEW.campaign_id, COALESCE(NEW.department, ''), COALESCE(NEW.school, ''),
        NEW.state, NEW.acknowledged_at IS NOT NULL, NEW.excused_at IS NOT NULL, NEW.opened_at IS NOT NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER ack_deliveries_tally_delete AFTER DELETE ON ack_deliveries BEGIN
      UPDATE ack_delivery_tallies SET n = n - 1 WHERE campaign_id = OLD.campaign_id AND department = COALESCE(OLD.department, '')
        AND school = COALESCE(OLD.school, '') AND state = OLD.state AND acknowledged = (OLD.acknowledged_at IS NOT NULL)
        AND excused = (OLD.excused_at IS NOT NULL) AND opened = (OLD.opened_at IS NOT NULL);
    END;
    -- An acknowledgement marks the person's deliveries in every campaign it counts for: its own, and any campaign of
    -- the same version started before it (a department campaign running beside a whole-school one).
    CREATE TRIGGER ack_acknowledgements_mark_deliveries AFTER INSERT ON ack_acknowledgements BEGIN
      UPDATE ack_deliveries SET acknowledged_at = NEW.acknowledged_at
        WHERE user_id = NEW.user_id AND acknowledged_at IS NULL AND campaign_id IN (SELECT id FROM ack_campaigns
          WHERE policy_id = NEW.policy_id AND version_hash = NEW.version_hash AND (id = NEW.campaign_id OR started_at <= NEW.acknowledged_at));
    END;
    CREATE INDEX ack_deliveries_outstanding ON ack_deliveries (campaign_id, state, acknowledged_at, excused_at);
    -- The export pages through a campaign by name without sorting it.
    CREATE INDEX ack_staff_by_name ON ack_staff (display_name COLLATE NOCASE, user_id);
    `,
  },
  {
    // Issue 43: the key points an owner chose for a campaign, what each person read of a version (the reader in Teams
    // and the document as published), and when they had read it, on the acknowledgement itself.
    version: 6,
    sql: `
    ALTER TABLE ack_campaigns ADD COLUMN key_points TEXT;
    ALTER TABLE ack_acknowledgements ADD COLUMN read_at TEXT;
    CREATE TABLE ack_policy_reads (
      policy_id TEXT NOT NULL, version_hash TEXT NOT NULL, user_id TEXT NOT NULL, first_read_at TEXT NOT NULL,
      last_read_at TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0, document_at TEXT,
      PRIMARY KEY (policy_id, version_hash, user_id));
    CREATE INDEX ack_deliveries_people ON ack_deliveries (campaign_id, department, user_id);
    `,
  },
  {
    // Issue 54: what changed from the version before, kept with a version published in chat (staff's next card says it).
    version: 7,
    sql: 'ALTER TABLE ack_policy_versions ADD COLUMN changes TEXT;',
  },
];
