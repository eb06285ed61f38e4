-- Every transaction that changes a governed table names who made it, even when the application
-- that wrote it knows nothing of Lethe (psql, a migration script, the helpdesk's own code).
--
-- A statement-level trigger on each captured table emits, once per transaction, the transactional
-- logical-decoding message 'lethe.actor' (the one Lethe's own writers emit first in their
-- transactions, dev.lethe.connectors.Actor) unless the transaction already emitted one: such a
-- writer sets the transaction-local setting lethe.actor_emitted = 'on' when it emits. Debezium
-- forwards the message with the transaction's id; the audit job joins it to the transaction's
-- changes at once instead of waiting for the watermark to release them as actor 'unknown'.
--
-- The actor it names:
--   * SET LOCAL lethe.actor = '<type>:<id>' (or just '<id>', type 'application') in the
--     transaction, optionally SET LOCAL lethe.actor_reason = '...': that actor; this is how an
--     application names the user behind a change without emitting the message itself;
--   * otherwise type 'database', id the session's login role, reason
--     'application=<application_name>; role=<current role>; client=<client address or local>'.
-- Kept in the audit log in clear and for good, like every actor: an application_name or setting
-- that holds an email, phone, IBAN, card number or handle is withheld by the normalizer.
--
-- Cost: the trigger's WHEN condition reads one setting per statement on these tables; only the
-- first statement of a transaction calls the function, which emits the message (docs/benchmarks.md,
-- "Actor trigger"). On a helpdesk database Lethe does not migrate,
-- run this file as it is (docs/operations.md, "External mode").

CREATE OR REPLACE FUNCTION lethe_actor_of_transaction() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    named  text := nullif(current_setting('lethe.actor', true), '');
    actor_type text;
    actor_id text;
    why text;
BEGIN
    IF coalesce(current_setting('lethe.actor_emitted', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF named IS NOT NULL THEN
        IF position(':' IN named) > 1 THEN
            actor_type := split_part(named, ':', 1);
            actor_id := substr(named, position(':' IN named) + 1);
        ELSE
            actor_type := 'application';
            actor_id := named;
        END IF;
        why := coalesce(nullif(current_setting('lethe.actor_reason', true), ''),
                        'named by the application (lethe.actor)');
    ELSE
        actor_type := 'database';
        actor_id := session_user::text;
        why := 'application=' || coalesce(nullif(current_setting('application_name', true), ''), '-')
               || '; role=' || current_user::text
               || '; client=' || coalesce(host(inet_client_addr()), 'local');
    END IF;
    PERFORM pg_logical_emit_message(true, 'lethe.actor',
        json_build_object('type', actor_type, 'id', actor_id, 'reason', why)::text);
    PERFORM set_config('lethe.actor_emitted', 'on', true);
    RETURN NULL;
END
$$;

CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contacts
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agents
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON custom_field_definitions
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tickets
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON threads
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON comments
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attachments
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
CREATE TRIGGER lethe_actor AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON consents
    FOR EACH STATEMENT
    WHEN (current_setting('lethe.actor_emitted', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION lethe_actor_of_transaction();
