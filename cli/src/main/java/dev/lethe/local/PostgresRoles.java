package dev.lethe.local;

import dev.lethe.catalog.ColumnClassifications;
import dev.lethe.jobs.purge.PurgeSchema;
import dev.lethe.keys.JdbcSubjectKeyStore;
import dev.lethe.server.JdbcUserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Lethe's PostgreSQL roles, one per component, each with the least it needs. The superuser is used
 * only here, for setup: it owns schema {@code lethe} and every table in it, and grants.
 *
 * <ul>
 *   <li>{@code lethe_capture}: Debezium. Replication, reads the helpdesk tables it captures (for
 *       snapshots), writes only its heartbeat and the incremental-snapshot signals.
 *   <li>{@code lethe_audit}: the audit job. Reads and adds data keys; reads who was erased. Nothing
 *       in the helpdesk.
 *   <li>{@code lethe_retention}: the purge job. Reads the helpdesk, UPDATE and DELETE on the
 *       governed tables only (never INSERT, never DDL); its purge bookkeeping; shreds keys.
 *   <li>{@code lethe_discovery}: the discovery job. Reads the governed tables (oversized values).
 *   <li>{@code lethe_server}: Lethe's server. Reads the helpdesk and Lethe's bookkeeping; writes
 *       only its users and erasure requests (new ones, and of existing ones only the columns of a
 *       retry, an approval or a rejection).
 * </ul>
 */
public final class PostgresRoles {

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    private PostgresRoles() {}

    /**
     * The grants of every role, given the governed helpdesk tables (in schema {@code public}).
     * Revokes come first, so that running it again after a table left the catalog takes its rights
     * away.
     */
    static List<String> grants(ComponentRole role, Collection<String> governedTables) {
        String r = role.user();
        List<String> sql = new ArrayList<>();
        sql.add("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + r);
        sql.add("REVOKE ALL ON ALL TABLES IN SCHEMA lethe FROM " + r);
        sql.add("REVOKE ALL ON ALL SEQUENCES IN SCHEMA lethe FROM " + r);
        sql.add("REVOKE CREATE ON SCHEMA public FROM " + r);
        sql.add("GRANT USAGE ON SCHEMA public TO " + r);
        String governed = String.join(", ", qualified(governedTables));
        switch (role) {
            case CAPTURE -> {
                sql.add("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + r);
                sql.add("GRANT INSERT, UPDATE ON public.lethe_heartbeat TO " + r);
                sql.add("GRANT INSERT ON public.lethe_signal TO " + r);
            }
            case AUDIT -> {
                sql.add("GRANT USAGE ON SCHEMA lethe TO " + r);
                sql.add("GRANT SELECT ON lethe.column_classifications TO " + r);
                sql.add("GRANT SELECT, INSERT ON lethe.subject_keys TO " + r);
                sql.add("GRANT SELECT ON lethe.erased_subjects TO " + r);
            }
            case RETENTION -> {
                sql.add("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + r);
                if (!governed.isEmpty()) {
                    sql.add("GRANT UPDATE, DELETE ON " + governed + " TO " + r);
                }
                sql.add("GRANT USAGE ON SCHEMA lethe TO " + r);
                sql.add(
                        "GRANT SELECT, INSERT, UPDATE, DELETE ON lethe.purge_log,"
                                + " lethe.purge_schedule, lethe.adoption TO "
                                + r);
                sql.add("GRANT SELECT, UPDATE ON lethe.erasure_requests TO " + r);
                sql.add("GRANT SELECT ON lethe.legal_holds TO " + r);
                sql.add("GRANT SELECT, DELETE ON lethe.subject_keys TO " + r);
                sql.add("GRANT SELECT, INSERT ON lethe.erased_subjects TO " + r);
                sql.add("GRANT USAGE ON ALL SEQUENCES IN SCHEMA lethe TO " + r);
            }
            case DISCOVERY -> {
                if (!governed.isEmpty()) {
                    sql.add("GRANT SELECT ON " + governed + " TO " + r);
                }
                sql.add("GRANT USAGE ON SCHEMA lethe TO " + r);
                sql.add("GRANT SELECT ON lethe.column_classifications TO " + r);
            }
            case SERVER -> {
                sql.add("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + r);
                sql.add("GRANT USAGE ON SCHEMA lethe TO " + r);
                sql.add("GRANT SELECT, INSERT, UPDATE ON lethe.server_users TO " + r);
                sql.add("GRANT SELECT, INSERT ON lethe.erasure_requests TO " + r);
                // a DPO's retry, approval or rejection: these columns of a request, no other
                sql.add(
                        "GRANT UPDATE (status, status_reason, updated_at, approved_by,"
                                + " approved_at, rejected_by, rejected_at, rejection_reason,"
                                + " retry_requested_by, retry_requested_at)"
                                + " ON lethe.erasure_requests TO "
                                + r);
                sql.add(
                        "GRANT SELECT ON lethe.purge_log, lethe.purge_schedule, lethe.legal_holds,"
                                + " lethe.adoption, lethe.subject_keys, lethe.erased_subjects,"
                                + " lethe.column_classifications TO "
                                + r);
            }
        }
        return sql;
    }

    /**
     * The helpdesk tables whose rows are about a person (the catalog's tables with a subject): the
     * ones the purge job may change. Lethe's own tables (heartbeat, signals) are not among them.
     */
    public static List<String> governedTables(dev.lethe.catalog.PersonalDataCatalog catalog) {
        List<String> out = new ArrayList<>();
        for (String t : catalog.tables()) {
            if (catalog.table(t).map(spec -> spec.subjectPath().hasSubject()).orElse(false)) {
                out.add(t);
            }
        }
        return out;
    }

    private static List<String> qualified(Collection<String> tables) {
        List<String> out = new ArrayList<>();
        for (String t : tables) {
            String name = t.toLowerCase(Locale.ROOT);
            if (!TABLE.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "table name " + t + " in the catalog is not a plain identifier");
            }
            out.add("public." + name);
        }
        return out;
    }

    /**
     * Creates Lethe's schema and tables as the superuser, then every role (a login with the
     * password {@code passwordOf} gives, scram-sha-256 hashed by the driver, never sent in clear)
     * and its grants. Idempotent: run on every {@code ./lethe up}.
     */
    public static void apply(
            DataSource superuser,
            Collection<String> governedTables,
            Function<ComponentRole, String> passwordOf)
            throws SQLException {
        new JdbcUserStore(superuser).ensureSchema();
        try (Connection c = superuser.getConnection()) {
            c.setAutoCommit(false);
            JdbcSubjectKeyStore.createSchema(c);
            ColumnClassifications.createSchema(c);
            c.commit();
            PurgeSchema.create(c);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (ComponentRole role : ComponentRole.values()) {
                    createRole(c, st, role);
                    c.unwrap(PGConnection.class)
                            .alterUserPassword(
                                    role.user(),
                                    passwordOf.apply(role).toCharArray(),
                                    "scram-sha-256");
                    for (String sql : grants(role, governedTables)) {
                        st.execute(sql);
                    }
                }
                // tables a migration adds later: readable by the roles that read the helpdesk
                st.execute(
                        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO"
                                + " lethe_capture, lethe_retention, lethe_server");
            }
            c.commit();
        }
    }

    private static void createRole(Connection c, Statement st, ComponentRole role)
            throws SQLException {
        boolean exists;
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            q.setString(1, role.user());
            try (ResultSet rs = q.executeQuery()) {
                exists = rs.next();
            }
        }
        String attributes =
                "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
                        + (role == ComponentRole.CAPTURE ? "REPLICATION" : "NOREPLICATION");
        st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role.user() + " WITH " + attributes);
    }
}
