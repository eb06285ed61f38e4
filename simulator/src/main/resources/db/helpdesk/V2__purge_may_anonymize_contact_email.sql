-- Lethe's purge executor may anonymize a contact's email; nobody else may change it.
--
-- V1's trigger forbids every change of contacts.email (the email identifies the contact). An
-- anonymizing purge (retention rule with `anonymize: { email: placeholder }`) must replace it, so
-- the trigger now lets exactly one change through: inside a transaction of the purge executor
-- (dev.lethe.jobs.purge.JdbcPurgeExecutor, which sets `set_config('lethe.purge', 'on', true)`, local
-- to its transaction, and emits its 'lethe.actor' message first) to the placeholder of that very
-- contact, 'erased-contacts-<id>@erased.invalid' (dev.lethe.retention.AnonymizeMethod.PLACEHOLDER;
-- .invalid can never be a real address). Any other new value, or any change outside a purge
-- transaction, is still rejected with the same error as before.
--
-- The marker is not an authorization (any session could set it); what it allows is only ever the
-- anonymization of an email, the change the purge itself would make, and the audit log records
-- the actor of every change.

CREATE OR REPLACE FUNCTION contacts_email_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.email IS DISTINCT FROM OLD.email THEN
        IF current_setting('lethe.purge', true) = 'on'
                AND NEW.email = 'erased-contacts-' || OLD.id || '@erased.invalid' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'contacts.email identifies the contact and cannot be changed (contact %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
