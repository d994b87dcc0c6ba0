-- Schema version 2: senders whose remote content (images, CSS, fonts) the user allowed, per account.
CREATE TABLE remote_content_allowed (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sender     TEXT NOT NULL COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, sender)
) STRICT;
