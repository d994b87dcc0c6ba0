-- Schema version 6: indexes for the sync engine.
-- Threading looks messages up by Message-ID, In-Reply-To and base subject for every stored message; without
-- these indexes each lookup scanned the table (quadratic on a first sync: 10k messages took 31 s instead of 9 s).
-- The (account_id, message_id) index also keeps the planner from scanning an account_id-prefixed index.
-- IF NOT EXISTS: development profiles made while these indexes briefly lived in 0003 must still upgrade.
CREATE INDEX IF NOT EXISTS messages_in_reply_to ON messages (account_id, in_reply_to) WHERE in_reply_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_subject_lower ON messages (account_id, lower(subject), date);
CREATE INDEX IF NOT EXISTS messages_account_message_id ON messages (account_id, message_id);
-- Messages stored with headers only, still waiting for their bodies.
CREATE INDEX IF NOT EXISTS messages_headers_only ON messages (folder_id) WHERE body_state = 'headers';
