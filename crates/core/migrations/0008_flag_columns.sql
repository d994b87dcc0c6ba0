-- Schema version 8: the flags the lists filter on, as columns an index can use.
-- `seen`, `flagged` and `deleted` are 1 when the space-separated `flags` text holds \Seen, \Flagged or
-- \Deleted (ASCII case-insensitive, as IMAP flags are). They are virtual generated columns: SQLite computes
-- them from `flags` on every read, so every writer of `flags` keeps them in step without knowing of them,
-- and indexes on them are kept up to date like any other. Queries filter on these columns, never on
-- `flags LIKE …`. Only the mail cache changes here.
ALTER TABLE messages ADD COLUMN seen INTEGER NOT NULL
    GENERATED ALWAYS AS ((' ' || flags || ' ') LIKE '% \Seen %') VIRTUAL;
ALTER TABLE messages ADD COLUMN flagged INTEGER NOT NULL
    GENERATED ALWAYS AS ((' ' || flags || ' ') LIKE '% \Flagged %') VIRTUAL;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL
    GENERATED ALWAYS AS ((' ' || flags || ' ') LIKE '% \Deleted %') VIRTUAL;

-- Unread counts per folder (the sidebar, refreshed after every change): the unread messages of a folder.
DROP INDEX IF EXISTS messages_folder_unread;
CREATE INDEX messages_folder_unread ON messages (folder_id) WHERE seen = 0;
-- `is:flagged`, newest first: walks the flagged messages in date order and stops after the page.
CREATE INDEX messages_flagged ON messages (date, id) WHERE flagged = 1;
