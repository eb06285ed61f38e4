-- The helpdesk being governed: modelled on a real helpdesk's data model.
-- Every table is soft-deletable (deleted_at), has REPLICA IDENTITY FULL (so Debezium's update and
-- delete events carry the complete before image), and belongs to the publication Debezium reads.
--
-- Who made a change: every writer starts its transaction with
--   SELECT pg_logical_emit_message(true, 'lethe.actor', '{"type":"agent","id":"42","reason":"..."}');
-- a transactional logical-decoding message that Debezium forwards to the topic <prefix>.message,
-- with the same transaction id as the row changes it describes.

CREATE TABLE accounts (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    domain      TEXT,
    region      TEXT NOT NULL DEFAULT 'EU',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE TABLE contacts (
    id              BIGSERIAL PRIMARY KEY,
    account_id      BIGINT REFERENCES accounts(id),
    first_name      TEXT,
    last_name       TEXT,
    -- the contact's identifier: unique, and not editable once set (trigger below)
    email           TEXT NOT NULL UNIQUE,
    phone           TEXT,
    mobile          TEXT,
    twitter_handle  TEXT,
    locale          TEXT NOT NULL DEFAULT 'en',
    region          TEXT NOT NULL DEFAULT 'EU',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);

CREATE TABLE agents (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL DEFAULT 'agent',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE TABLE custom_field_definitions (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    field_type  TEXT NOT NULL DEFAULT 'text',
    -- an admin marks a field encrypted: its values never appear in plaintext outside the helpdesk
    encrypted   BOOLEAN NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE TABLE tickets (
    id              BIGSERIAL PRIMARY KEY,
    contact_id      BIGINT NOT NULL REFERENCES contacts(id),
    agent_id        BIGINT REFERENCES agents(id),
    subject         TEXT NOT NULL,
    description     TEXT,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'pending', 'on_hold', 'solved', 'closed')),
    channel         TEXT NOT NULL DEFAULT 'email'
                    CHECK (channel IN ('email', 'phone', 'chat', 'web', 'twitter')),
    -- custom field values keyed by custom_field_definitions.name
    custom_fields   JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    closed_at       TIMESTAMPTZ,
    deleted_at      TIMESTAMPTZ
);

CREATE TABLE threads (
    id              BIGSERIAL PRIMARY KEY,
    ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
    direction       TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
    from_address    TEXT,
    to_address      TEXT,
    content         TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);

CREATE TABLE comments (
    id              BIGSERIAL PRIMARY KEY,
    ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
    agent_id        BIGINT REFERENCES agents(id),
    is_public       BOOLEAN NOT NULL DEFAULT false,
    content         TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);

CREATE TABLE attachments (
    id              BIGSERIAL PRIMARY KEY,
    ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
    thread_id       BIGINT REFERENCES threads(id),
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL CHECK (size_bytes >= 0),
    storage_key     TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);

CREATE TABLE consents (
    id              BIGSERIAL PRIMARY KEY,
    contact_id      BIGINT NOT NULL REFERENCES contacts(id),
    purpose         TEXT NOT NULL,
    granted         BOOLEAN NOT NULL,
    form            TEXT,
    source          TEXT NOT NULL DEFAULT 'web',
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);

CREATE INDEX tickets_contact_idx ON tickets (contact_id);
CREATE INDEX threads_ticket_idx ON threads (ticket_id);
CREATE INDEX comments_ticket_idx ON comments (ticket_id);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id);
CREATE INDEX consents_contact_idx ON consents (contact_id);
CREATE INDEX contacts_deleted_idx ON contacts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX tickets_deleted_idx ON tickets (deleted_at) WHERE deleted_at IS NOT NULL;

-- The contact's email identifies the contact: it cannot be edited once set.
CREATE FUNCTION contacts_email_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.email IS DISTINCT FROM OLD.email THEN
        RAISE EXCEPTION 'contacts.email identifies the contact and cannot be changed (contact %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_email_immutable
    BEFORE UPDATE OF email ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_email_immutable();

ALTER TABLE accounts REPLICA IDENTITY FULL;
ALTER TABLE contacts REPLICA IDENTITY FULL;
ALTER TABLE agents REPLICA IDENTITY FULL;
ALTER TABLE custom_field_definitions REPLICA IDENTITY FULL;
ALTER TABLE tickets REPLICA IDENTITY FULL;
ALTER TABLE threads REPLICA IDENTITY FULL;
ALTER TABLE comments REPLICA IDENTITY FULL;
ALTER TABLE attachments REPLICA IDENTITY FULL;
ALTER TABLE consents REPLICA IDENTITY FULL;

-- Debezium reads exactly these tables (publication.autocreate.mode=disabled would use it as is;
-- with 'filtered' Debezium keeps it in line with table.include.list).
CREATE PUBLICATION lethe_helpdesk FOR TABLE
    accounts, contacts, agents, custom_field_definitions, tickets, threads, comments, attachments, consents;

-- Debezium's heartbeat.action.query writes here, so an idle helpdesk still advances the slot.
CREATE TABLE lethe_heartbeat (
    id          INT PRIMARY KEY,
    beat_at     TIMESTAMPTZ NOT NULL
);
