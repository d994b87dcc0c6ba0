-- Schema version 1: accounts, folders with their sync cursor, the mail cache, FTS, local changes, the outbox.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    email            TEXT NOT NULL,
    display_name     TEXT NOT NULL DEFAULT '',
    addresses        TEXT NOT NULL DEFAULT '[]',   -- JSON array of extra addresses (aliases)
    username         TEXT NOT NULL,
    imap_host        TEXT NOT NULL,
    imap_port        INTEGER NOT NULL,
    imap_security    TEXT NOT NULL,                -- tls | starttls | none
    smtp_host        TEXT NOT NULL,
    smtp_port        INTEGER NOT NULL,
    smtp_security    TEXT NOT NULL,
    credential       TEXT NOT NULL,                -- keyring | command
    secret_ref       TEXT NOT NULL UNIQUE,         -- the keyring entry's user name; never the secret itself
    password_command TEXT,
    trust_ca_pem     TEXT,                         -- an extra CA trusted for this account only
    pinned_cert_sha256 TEXT,                       -- a user-confirmed certificate exception
    insecure         INTEGER NOT NULL DEFAULT 0,
    signature        TEXT NOT NULL DEFAULT '',
    fetch_days       INTEGER,                      -- NULL: all mail
    save_sent_copy   INTEGER NOT NULL DEFAULT 1,
    notify           INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE folders (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,                   -- the server's name (modified UTF-7)
    display_name  TEXT NOT NULL,
    delimiter     TEXT,
    role          TEXT,                            -- inbox | sent | drafts | trash | junk | archive | NULL
    uidvalidity   INTEGER,
    uidnext       INTEGER,
    highestmodseq INTEGER,
    last_sync     INTEGER,
    UNIQUE (account_id, name)
) STRICT;

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder_id       INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid             INTEGER NOT NULL,
    message_id      TEXT,
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '',
    thread_id       INTEGER,
    subject         TEXT NOT NULL DEFAULT '',
    from_name       TEXT NOT NULL DEFAULT '',
    from_addr       TEXT NOT NULL DEFAULT '',
    to_json         TEXT NOT NULL DEFAULT '[]',
    cc_json         TEXT NOT NULL DEFAULT '[]',
    date            INTEGER NOT NULL DEFAULT 0,     -- unix seconds
    size            INTEGER NOT NULL DEFAULT 0,
    flags           TEXT NOT NULL DEFAULT '',       -- space separated IMAP flags
    modseq          INTEGER,
    has_attachments INTEGER NOT NULL DEFAULT 0,
    body_state      TEXT NOT NULL DEFAULT 'none',   -- none | fetched | unparseable
    parse_warning   TEXT,
    UNIQUE (folder_id, uid)
) STRICT;
CREATE INDEX messages_folder_date ON messages (folder_id, date DESC);
CREATE INDEX messages_account_date ON messages (account_id, date DESC);
CREATE INDEX messages_message_id ON messages (message_id);
CREATE INDEX messages_thread ON messages (thread_id);

CREATE TABLE bodies (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    raw        BLOB NOT NULL,
    text       TEXT,
    html       TEXT
) STRICT;

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    part       INTEGER NOT NULL,
    filename   TEXT,
    mime_type  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content_id TEXT,
    inline     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX attachments_message ON attachments (message_id);

-- Contentless FTS index; rowid = messages.id.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, addresses, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Local changes waiting to go up to the server (flags, moves, deletes).
CREATE TABLE pending_changes (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder_name TEXT NOT NULL,
    uid         INTEGER NOT NULL,
    kind        TEXT NOT NULL,          -- add_flags | remove_flags | move
    arg         TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL
) STRICT;

-- Finished messages waiting to be sent. Never dropped by a cache rebuild.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts(id),
    message_id     TEXT NOT NULL UNIQUE,    -- the Message-ID header
    envelope_from  TEXT NOT NULL,
    recipients     TEXT NOT NULL,           -- JSON array
    raw            BLOB NOT NULL,
    state          TEXT NOT NULL DEFAULT 'queued',  -- queued | sending | unknown | parked | sent
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    reply_to_message INTEGER,
    created_at     INTEGER NOT NULL
) STRICT;
