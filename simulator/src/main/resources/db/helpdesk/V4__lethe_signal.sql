-- Debezium's signalling table: `./lethe snapshot --table T` asks the connector for an incremental
-- snapshot of T by inserting a row here (an 'execute-snapshot' signal), which Debezium reads from
-- the WAL like any change; during the snapshot Debezium writes its watermarks here (two rows per
-- chunk of 1,024 rows). The connector names it in signal.data.collection, so it belongs to the
-- publication. Its rows name tables, never a helpdesk value; rows of finished snapshots may be
-- deleted at any time no snapshot runs.
--
-- On a helpdesk database whose schema Lethe does not migrate, create it there as written (see
-- docs/operations.md, "Adopting an existing helpdesk"); the connector's user needs INSERT on it.

CREATE TABLE lethe_signal (
    id      TEXT PRIMARY KEY,
    type    TEXT NOT NULL,
    data    TEXT
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'lethe_helpdesk' AND NOT puballtables) THEN
        ALTER PUBLICATION lethe_helpdesk ADD TABLE lethe_signal;
    END IF;
END;
$$;
