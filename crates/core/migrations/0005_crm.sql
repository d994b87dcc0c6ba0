-- Schema version 5: the CRM (team users, contacts, companies, leads, deals, activities, notes, tasks),
-- per-mailbox CRM settings, the team exception list and one outcome per processed message.
-- CRM data can never be rebuilt from a server: nothing here is dropped by a cache rebuild.
-- Addresses and domains are stored lower-case, so plain indexes give O(log n) exact lookups.

CREATE TABLE crm_users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    admin      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE crm_user_addresses (
    address TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES crm_users(id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX crm_user_addresses_user ON crm_user_addresses (user_id);

CREATE TABLE crm_companies (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    responsible_id INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX crm_companies_name ON crm_companies (name COLLATE NOCASE);

CREATE TABLE crm_company_domains (
    domain     TEXT NOT NULL,
    company_id INTEGER NOT NULL REFERENCES crm_companies(id) ON DELETE CASCADE,
    PRIMARY KEY (domain, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX crm_company_domains_company ON crm_company_domains (company_id);

CREATE TABLE crm_company_addresses (
    address    TEXT NOT NULL,
    company_id INTEGER NOT NULL REFERENCES crm_companies(id) ON DELETE CASCADE,
    PRIMARY KEY (address, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX crm_company_addresses_company ON crm_company_addresses (company_id);

CREATE TABLE crm_contacts (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    company_id     INTEGER REFERENCES crm_companies(id) ON DELETE SET NULL,
    responsible_id INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX crm_contacts_company ON crm_contacts (company_id);
CREATE INDEX crm_contacts_name ON crm_contacts (name COLLATE NOCASE);

CREATE TABLE crm_contact_addresses (
    address    TEXT NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES crm_contacts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (address, contact_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX crm_contact_addresses_contact ON crm_contact_addresses (contact_id, position);

CREATE TABLE crm_contact_phones (
    contact_id INTEGER NOT NULL REFERENCES crm_contacts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    phone      TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE crm_leads (
    id                 INTEGER PRIMARY KEY,
    title              TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    company_name       TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'won', 'lost')),
    returning_customer INTEGER NOT NULL DEFAULT 0,
    responsible_id     INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    account_id         INTEGER,                -- the mailbox it came from; no FK: the lead outlives it
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX crm_leads_address ON crm_leads (address, status);

CREATE TABLE crm_deal_stages (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    meaning  TEXT NOT NULL CHECK (meaning IN ('in_progress', 'won', 'lost')),
    position INTEGER NOT NULL
) STRICT;
INSERT INTO crm_deal_stages (name, meaning, position) VALUES
    ('New', 'in_progress', 1),
    ('Qualified', 'in_progress', 2),
    ('Proposal', 'in_progress', 3),
    ('Negotiation', 'in_progress', 4),
    ('Won', 'won', 5),
    ('Lost', 'lost', 6);

CREATE TABLE crm_deals (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    stage_id       INTEGER NOT NULL REFERENCES crm_deal_stages(id),
    amount_minor   INTEGER NOT NULL DEFAULT 0,     -- in the currency's minor unit (cents)
    currency       TEXT NOT NULL DEFAULT 'EUR',
    contact_id     INTEGER REFERENCES crm_contacts(id) ON DELETE SET NULL,
    company_id     INTEGER REFERENCES crm_companies(id) ON DELETE SET NULL,
    lead_id        INTEGER REFERENCES crm_leads(id) ON DELETE SET NULL,
    responsible_id INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX crm_deals_contact ON crm_deals (contact_id);
CREATE INDEX crm_deals_company ON crm_deals (company_id);

-- One activity per email and mailbox. `message_key` is the Message-ID (or a digest when it is missing).
CREATE TABLE crm_activities (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,               -- no FK: activities outlive a removed mailbox
    message_key    TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    subject        TEXT NOT NULL DEFAULT '',
    date           INTEGER NOT NULL,
    thread_key     TEXT NOT NULL,
    previous_id    INTEGER REFERENCES crm_activities(id) ON DELETE SET NULL,
    completed      INTEGER NOT NULL DEFAULT 0,
    answered       INTEGER NOT NULL DEFAULT 0,     -- incoming only: we replied later in the thread
    responsible_id INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (account_id, message_key)
) STRICT;
CREATE INDEX crm_activities_message ON crm_activities (message_key);
CREATE INDEX crm_activities_thread ON crm_activities (thread_key, date);
CREATE INDEX crm_activities_unanswered ON crm_activities (date) WHERE direction = 'in' AND answered = 0;

CREATE TABLE crm_activity_links (
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('contact', 'company', 'lead', 'deal')),
    entity_id   INTEGER NOT NULL,
    date        INTEGER NOT NULL,                  -- the activity's date, for timelines in index order
    activity_id INTEGER NOT NULL REFERENCES crm_activities(id) ON DELETE CASCADE,
    PRIMARY KEY (entity_kind, entity_id, date, activity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX crm_activity_links_activity ON crm_activity_links (activity_id);

CREATE TABLE crm_notes (
    id          INTEGER PRIMARY KEY,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('contact', 'company', 'lead', 'deal')),
    entity_id   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author_id   INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX crm_notes_entity ON crm_notes (entity_kind, entity_id, created_at);

CREATE TABLE crm_tasks (
    id             INTEGER PRIMARY KEY,
    entity_kind    TEXT NOT NULL CHECK (entity_kind IN ('contact', 'company', 'lead', 'deal')),
    entity_id      INTEGER NOT NULL,
    title          TEXT NOT NULL,
    due_at         INTEGER,
    done           INTEGER NOT NULL DEFAULT 0,
    responsible_id INTEGER REFERENCES crm_users(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX crm_tasks_entity ON crm_tasks (entity_kind, entity_id, done);

-- Per-mailbox settings. No row means the defaults (see crm::model::MailboxSettings::defaults).
CREATE TABLE crm_mailbox_settings (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    link_enabled     INTEGER NOT NULL DEFAULT 1,
    process_days     INTEGER NOT NULL DEFAULT 30,  -- 0: no age limit
    new_incoming     TEXT NOT NULL DEFAULT 'lead' CHECK (new_incoming IN ('lead', 'contact', 'nothing')),
    new_outgoing     TEXT NOT NULL DEFAULT 'contact' CHECK (new_outgoing IN ('lead', 'contact', 'nothing')),
    lead_source      TEXT NOT NULL DEFAULT 'Email',
    route_to_manager INTEGER NOT NULL DEFAULT 1,
    import_vcards    INTEGER NOT NULL DEFAULT 0,
    queue_position   INTEGER NOT NULL DEFAULT 0,
    updated_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE crm_queue (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES crm_users(id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE crm_always_new_lead (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    PRIMARY KEY (account_id, address)
) STRICT, WITHOUT ROWID;

-- The team's exception list: whole addresses or whole domains whose mail never reaches the CRM.
CREATE TABLE crm_exceptions (
    entry      TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('address', 'domain')),
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- What happened to each message: linked (to what), created (what) or skipped (why).
CREATE TABLE crm_outcomes (
    account_id      INTEGER NOT NULL,
    message_key     TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('linked', 'created', 'skipped')),
    reason          TEXT NOT NULL,
    what            TEXT NOT NULL DEFAULT '',
    entities        TEXT NOT NULL DEFAULT '[]',    -- JSON [{kind, id}]
    activity_id     INTEGER REFERENCES crm_activities(id) ON DELETE SET NULL,
    choose_deal     INTEGER NOT NULL DEFAULT 0,
    deal_candidates TEXT NOT NULL DEFAULT '[]',    -- JSON [deal id], best first
    warning         TEXT,
    forced          INTEGER NOT NULL DEFAULT 0,
    processed_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, message_key)
) STRICT, WITHOUT ROWID;

-- Problems a person must fix, shown until fixed ("queue is broken").
CREATE TABLE crm_warnings (
    account_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    message    TEXT NOT NULL,
    first_at   INTEGER NOT NULL,
    last_at    INTEGER NOT NULL,
    count      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (account_id, kind)
) STRICT, WITHOUT ROWID;
