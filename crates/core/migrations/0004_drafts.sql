-- Schema version 4: drafts saved as the user types, and their copy on the server's Drafts folder.
CREATE TABLE drafts (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    body              TEXT NOT NULL,               -- the Draft as JSON
    updated_at        INTEGER NOT NULL,
    dirty             INTEGER NOT NULL DEFAULT 1,  -- changed since the last upload
    server_message_id TEXT,                        -- Message-ID of the copy on the server
    state             TEXT NOT NULL DEFAULT 'editing'  -- editing | sent (server copy still to remove)
) STRICT;
CREATE INDEX drafts_account ON drafts (account_id, updated_at DESC);
