package dev.lethe.bench;

import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The capture baseline: logical decoding of the helpdesk's WAL with {@code pgoutput} (the plugin
 * Debezium uses, on Lethe's publication) read through pgjdbc's replication API, without Debezium,
 * Kafka Connect or Kafka. A slot made before a workload is written holds exactly that workload's
 * changes; {@link #read} times reading them.
 */
final class RawWalDecoder implements AutoCloseable {

    private final StackSettings s;
    private final String slot;

    /** Creates the slot {@code slot} (dropping a leftover of that name): WAL from now on. */
    RawWalDecoder(StackSettings s, String slot) throws Exception {
        this.s = s;
        this.slot = slot;
        dropSlot();
        sql("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }

    /**
     * Reads from the slot until {@code changes} row changes (insert, update or delete messages)
     * have been decoded.
     *
     * @return the seconds it took
     */
    double read(long changes) throws Exception {
        Properties p = new Properties();
        PGProperty.USER.set(p, s.postgresUser());
        PGProperty.PASSWORD.set(p, s.postgresPassword());
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        try (Connection c = DriverManager.getConnection(s.postgresJdbcUrl(), p)) {
            PGReplicationStream stream =
                    c.unwrap(PGConnection.class)
                            .getReplicationAPI()
                            .replicationStream()
                            .logical()
                            .withSlotName(slot)
                            .withSlotOption("proto_version", "1")
                            .withSlotOption("publication_names", "lethe_helpdesk")
                            .start();
            long t0 = System.nanoTime();
            long decoded = 0;
            while (decoded < changes) {
                ByteBuffer msg = stream.read();
                if (msg != null && msg.hasRemaining()) {
                    byte type = msg.get(msg.position());
                    if (type == 'I' || type == 'U' || type == 'D') {
                        decoded++;
                        if (decoded % 10000 == 0) {
                            stream.setAppliedLSN(stream.getLastReceiveLSN());
                            stream.setFlushedLSN(stream.getLastReceiveLSN());
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            stream.close();
            return seconds;
        }
    }

    /** Drops the slot (PostgreSQL would otherwise keep WAL for it). */
    @Override
    public void close() throws Exception {
        dropSlot();
    }

    /** Drops the slot if it exists. */
    private void dropSlot() throws Exception {
        sql(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE slot_name = '"
                        + slot
                        + "'");
    }

    private void sql(String statement) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
