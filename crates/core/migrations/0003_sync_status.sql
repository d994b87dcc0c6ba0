-- Schema version 3: per-account sync status (for the check policy and `dealbox-cli status`), and parking of
-- local changes that keep failing.
CREATE TABLE sync_status (
    account_id      INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    last_check      INTEGER,                      -- unix seconds when the last check ended (ok or not)
    last_success    INTEGER,                      -- unix seconds of the last check that succeeded
    last_error      TEXT,                         -- the last failure's message (cleared on success)
    last_error_kind TEXT,                         -- its ErrorKind code: auth, tls, network, ...
    failures        INTEGER NOT NULL DEFAULT 0,   -- consecutive failed checks
    messages_added  INTEGER NOT NULL DEFAULT 0,   -- by the last check
    messages_removed INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A change that failed too often stops being retried and keeps its error for the user.
ALTER TABLE pending_changes ADD COLUMN parked INTEGER NOT NULL DEFAULT 0;
CREATE INDEX pending_changes_account ON pending_changes (account_id, parked, id);
-- The folder's UIDVALIDITY when the change was queued: a recreated folder's UIDs name other messages.
ALTER TABLE pending_changes ADD COLUMN uidvalidity INTEGER;
