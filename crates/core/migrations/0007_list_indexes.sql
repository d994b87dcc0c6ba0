-- Schema version 7: indexes for the message list.
-- A page of a folder walks (folder_id, date, id) in either direction and stops after the page (without it,
-- a page of a 100k-message inbox scanned and sorted the whole table). Conversations probe a folder's threads:
-- "is there a later message in this thread?" and the per-thread counts use (folder_id, thread_id, date, id).
CREATE INDEX IF NOT EXISTS messages_folder_date_id ON messages (folder_id, date, id);
CREATE INDEX IF NOT EXISTS messages_folder_thread ON messages (folder_id, thread_id, date, id);
-- Unread counts per folder (the sidebar, refreshed after every change): a partial index of the unread messages.
-- Its WHERE must stay exactly the expression `query::folders` and `is:unread` use, or SQLite will not use it.
CREATE INDEX IF NOT EXISTS messages_folder_unread ON messages (folder_id) WHERE (' ' || flags || ' ') NOT LIKE '% \Seen %';
