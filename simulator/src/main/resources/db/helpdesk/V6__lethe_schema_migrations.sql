-- Every migration of the helpdesk's tables is on the record: what changed, by whom, at which LSN.
--
-- Two event triggers wrap each DDL command that can change a table's shape or whether it is
-- captured (ALTER/CREATE/DROP TABLE, CREATE TABLE AS, SELECT INTO, ALTER/CREATE/DROP PUBLICATION).
-- Before the command, lethe_schema_before() keeps the shape of every table of schema public (its
-- columns by attribute number, with type and nullability) and the publications each belongs to,
-- in the transaction-local setting lethe.schema_before. After the command,
-- lethe_schema_after() compares that with the catalog as the command left it and emits, for each
-- table the command changed, the transactional logical-decoding message 'lethe.schema' in the
-- command's transaction. Debezium forwards it with the transaction's id and the message's LSN;
-- the audit job records it as an entry of the table's chain schema/<table> (docs/audit-log-format.md,
-- "Schema entries"). A migration that rolls back leaves no message.
--
-- The message (JSON):
--   command       the command tag (ALTER TABLE, DROP TABLE, ...)
--   table         the table's name after the command (before it, for a dropped table)
--   change        created | dropped | altered | published (only its publications changed)
--   renamedFrom   the table's name before, when the command renamed it
--   added, removed        columns, as 'name type[ NOT NULL]'
--   renamed       'old -> new' per renamed column (same attribute number, new name)
--   retyped       'name: old type -> new type' (type or NOT NULL changed)
--   columns       every column after the command, in order, as 'name type[ NOT NULL]'
--   publications  the publications holding the table after the command
--   published, unpublished  publications it was added to or removed from
--   actor         {type, id, reason}: who ran it, as the actor trigger (V5) names a writer
-- Column names and types only: never a default, a constraint's expression or a value, so no
-- personal data. Tables whose names begin with lethe_ are Lethe's own and are left out.
--
-- A migration is never stopped by this: should reading the catalog fail, the command goes on and
-- the message says only its command tag with "change": "unknown" and the SQLSTATE.
-- On a helpdesk database Lethe does not migrate, run this file as it is, as a superuser (event
-- triggers are a superuser's to create; docs/operations.md, "External mode").

CREATE OR REPLACE FUNCTION lethe_schema_shapes() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(c.oid::text, jsonb_build_object(
               'table', c.relname,
               'columns', (SELECT coalesce(jsonb_object_agg(a.attnum::text,
                                  a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                  || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END),
                                  '{}'::jsonb)
                           FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
               'names', (SELECT coalesce(jsonb_object_agg(a.attnum::text, a.attname), '{}'::jsonb)
                         FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
               'publications', (SELECT coalesce(jsonb_agg(pt.pubname ORDER BY pt.pubname), '[]'::jsonb)
                                FROM pg_publication_tables pt
                                WHERE pt.schemaname = n.nspname AND pt.tablename = c.relname))),
           '{}'::jsonb)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'lethe\_%'
$$;

CREATE OR REPLACE FUNCTION lethe_schema_actor() RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    named text := nullif(current_setting('lethe.actor', true), '');
BEGIN
    IF named IS NOT NULL THEN
        RETURN jsonb_build_object(
            'type', CASE WHEN position(':' IN named) > 1 THEN split_part(named, ':', 1)
                         ELSE 'application' END,
            'id', CASE WHEN position(':' IN named) > 1 THEN substr(named, position(':' IN named) + 1)
                       ELSE named END,
            'reason', coalesce(nullif(current_setting('lethe.actor_reason', true), ''),
                               'named by the application (lethe.actor)'));
    END IF;
    RETURN jsonb_build_object(
        'type', 'database',
        'id', session_user::text,
        'reason', 'application=' || coalesce(nullif(current_setting('application_name', true), ''), '-')
                  || '; role=' || current_user::text
                  || '; client=' || coalesce(host(inet_client_addr()), 'local'));
END
$$;

CREATE OR REPLACE FUNCTION lethe_schema_before() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lethe.schema_before', lethe_schema_shapes()::text, true);
EXCEPTION WHEN OTHERS THEN
    PERFORM set_config('lethe.schema_before', '', true);
END
$$;

CREATE OR REPLACE FUNCTION lethe_schema_after() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
    before_text text := nullif(current_setting('lethe.schema_before', true), '');
    before jsonb;
    after jsonb;
    actor jsonb;
    oid_key text;
    b jsonb;
    a jsonb;
    attnum text;
    added jsonb;
    removed jsonb;
    renamed jsonb;
    retyped jsonb;
    columns jsonb;
    published jsonb;
    unpublished jsonb;
    change text;
BEGIN
    actor := lethe_schema_actor();
    IF before_text IS NULL THEN
        PERFORM pg_logical_emit_message(true, 'lethe.schema', jsonb_build_object(
            'command', tg_tag, 'change', 'unknown',
            'reason', 'the shape before the command was not read', 'actor', actor)::text);
        RETURN;
    END IF;
    BEGIN
        before := before_text::jsonb;
        after := lethe_schema_shapes();
        FOR oid_key IN
            SELECT e.k FROM jsonb_object_keys(before) AS e(k)
            UNION SELECT e.k FROM jsonb_object_keys(after) AS e(k)
        LOOP
            b := before -> oid_key;
            a := after -> oid_key;
            IF b IS NOT NULL AND a IS NOT NULL AND b = a THEN
                CONTINUE;
            END IF;
            added := '[]'; removed := '[]'; renamed := '[]'; retyped := '[]';
            published := '[]'; unpublished := '[]'; columns := '[]';
            IF a IS NOT NULL THEN
                SELECT coalesce(jsonb_agg(v ORDER BY k::int), '[]') INTO columns
                FROM jsonb_each_text(a -> 'columns') AS e(k, v);
            END IF;
            FOR attnum IN
                SELECT u.k FROM (
                    SELECT e.k FROM jsonb_object_keys(coalesce(b -> 'columns', '{}')) AS e(k)
                    UNION SELECT e.k FROM jsonb_object_keys(coalesce(a -> 'columns', '{}')) AS e(k)
                ) u ORDER BY u.k::int
            LOOP
                IF b IS NULL OR NOT (b -> 'columns') ? attnum THEN
                    added := added || to_jsonb(a -> 'columns' ->> attnum);
                ELSIF a IS NULL OR NOT (a -> 'columns') ? attnum THEN
                    removed := removed || to_jsonb(b -> 'columns' ->> attnum);
                ELSE
                    IF b -> 'names' ->> attnum <> a -> 'names' ->> attnum THEN
                        renamed := renamed || to_jsonb((b -> 'names' ->> attnum) || ' -> '
                                                       || (a -> 'names' ->> attnum));
                    END IF;
                    IF substr(b -> 'columns' ->> attnum, length(b -> 'names' ->> attnum) + 2)
                       <> substr(a -> 'columns' ->> attnum, length(a -> 'names' ->> attnum) + 2) THEN
                        retyped := retyped || to_jsonb((a -> 'names' ->> attnum) || ': '
                            || substr(b -> 'columns' ->> attnum, length(b -> 'names' ->> attnum) + 2)
                            || ' -> '
                            || substr(a -> 'columns' ->> attnum, length(a -> 'names' ->> attnum) + 2));
                    END IF;
                END IF;
            END LOOP;
            SELECT coalesce(jsonb_agg(e.p ORDER BY e.p), '[]') INTO published
            FROM jsonb_array_elements_text(coalesce(a -> 'publications', '[]')) AS e(p)
            WHERE NOT coalesce(b -> 'publications', '[]') ? e.p;
            SELECT coalesce(jsonb_agg(e.p ORDER BY e.p), '[]') INTO unpublished
            FROM jsonb_array_elements_text(coalesce(b -> 'publications', '[]')) AS e(p)
            WHERE NOT coalesce(a -> 'publications', '[]') ? e.p;
            change := CASE
                WHEN b IS NULL THEN 'created'
                WHEN a IS NULL THEN 'dropped'
                WHEN added = '[]' AND removed = '[]' AND renamed = '[]' AND retyped = '[]'
                     AND b ->> 'table' = a ->> 'table' THEN 'published'
                ELSE 'altered' END;
            PERFORM pg_logical_emit_message(true, 'lethe.schema', jsonb_strip_nulls(jsonb_build_object(
                'command', tg_tag,
                'table', coalesce(a ->> 'table', b ->> 'table'),
                'change', change,
                'renamedFrom', CASE WHEN a IS NOT NULL AND b IS NOT NULL
                                     AND a ->> 'table' <> b ->> 'table' THEN b ->> 'table' END,
                'added', added, 'removed', removed, 'renamed', renamed, 'retyped', retyped,
                'columns', columns,
                'publications', coalesce(a -> 'publications', '[]'),
                'published', published, 'unpublished', unpublished,
                'actor', actor))::text);
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_logical_emit_message(true, 'lethe.schema', jsonb_build_object(
            'command', tg_tag, 'change', 'unknown',
            'reason', 'reading the catalog failed: SQLSTATE ' || SQLSTATE, 'actor', actor)::text);
    END;
    PERFORM set_config('lethe.schema_before', '', true);
END
$$;

CREATE EVENT TRIGGER lethe_schema_before ON ddl_command_start
    WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'DROP TABLE',
                 'ALTER PUBLICATION', 'CREATE PUBLICATION', 'DROP PUBLICATION')
    EXECUTE FUNCTION lethe_schema_before();

CREATE EVENT TRIGGER lethe_schema_after ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'DROP TABLE',
                 'ALTER PUBLICATION', 'CREATE PUBLICATION', 'DROP PUBLICATION')
    EXECUTE FUNCTION lethe_schema_after();
