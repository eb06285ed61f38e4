package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadResult;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.CommittedChanges;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.SteadyLoad;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Migrations while the helpdesk is busy: under a steady {@code load}, columns of {@code contacts}
 * are added (one nullable, one NOT NULL with a default), renamed, retyped and dropped, with rows
 * written between the steps, {@code consents} is truncated, and a table is created, added to the
 * publication, removed from it and dropped. Each migration is a schema entry of its table, with
 * what changed and who ran it; every change PostgreSQL committed on a governed table (an
 * independent {@code test_decoding} slot made before the load) is in the audit log exactly once by
 * (entity, LSN): no migration took a table out of the log, or doubled a change around it.
 */
class MigrationsUnderLoadITCase {

    @Test
    void noCommittedChangeIsLostOrDoubledAcrossMigrationsUnderLoad() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("migrations");
        String suffix = run.replaceAll("[^a-z0-9]", "_");
        String added = "mig_a_" + suffix;
        String renamed = "mig_r_" + suffix;
        String defaulted = "mig_d_" + suffix;
        String table = "mig_t_" + suffix;
        JobSettings audit = AuditTestJobs.settings(s, run, 50);
        try (CommittedChanges committed = CommittedChanges.from(s, run)) {
            JobClient job = SetUpAndSubmit.audit(SetUpAndSubmit.flinkOf(s), audit);
            try {
                migrateUnderLoad(s, run, added, renamed, defaulted, table);
                List<String> changes = committed.read();
                assertThat(changes).as("changes from the independent slot").hasSizeGreaterThan(300);
                List<AuditEntry> entries =
                        CommittedChanges.assertLoggedOnce(
                                audit.auditTopic(), changes, Duration.ofMinutes(4));
                // each change of contacts' columns is a schema entry: what changed, first LSN
                List<AuditEntry> schema =
                        AuditTestJobs.entries(
                                audit.auditTopic(),
                                e -> e.getEntityId().startsWith("schema/"),
                                l ->
                                        l.stream().anyMatch(e -> e.getOp().equals("TRUNCATE"))
                                                // this run's table: the raw topics hold
                                                // earlier tests' migrations too
                                                && l.stream()
                                                        .anyMatch(
                                                                e ->
                                                                        e.getOp()
                                                                                        .equals(
                                                                                                "DROP TABLE")
                                                                                && e.getEntityId()
                                                                                        .equals(
                                                                                                "schema/"
                                                                                                        + table))
                                                && l.stream()
                                                        .anyMatch(
                                                                e ->
                                                                        e.getAttributes()
                                                                                .getOrDefault(
                                                                                        "removed",
                                                                                        "")
                                                                                .contains(
                                                                                        defaulted)),
                                Duration.ofMinutes(2));
                // as the first change of each new shape showed it (op ALTER) ...
                List<AuditEntry> contacts =
                        schema.stream()
                                .filter(e -> e.getEntityId().equals("schema/contacts"))
                                .filter(e -> e.getActor().getType().equals("lethe"))
                                .toList();
                assertThat(contacts)
                        .allSatisfy(
                                e -> {
                                    assertThat(e.getKind()).isEqualTo("schema");
                                    assertThat(e.getOp()).isEqualTo("ALTER");
                                    assertThat(e.getAttributes()).containsKey("firstLsn");
                                    assertThat(e.getChanges()).isEmpty();
                                });
                assertThat(contacts)
                        .anySatisfy(
                                e -> assertThat(e.getAttributes().get("added")).contains(added));
                assertThat(contacts)
                        .anySatisfy(
                                e -> {
                                    assertThat(e.getAttributes().get("removed")).contains(added);
                                    assertThat(e.getAttributes().get("added")).contains(renamed);
                                });
                assertThat(
                                contacts.stream()
                                        .map(e -> e.getAttributes().getOrDefault("removed", ""))
                                        .toList()
                                        .toString())
                        .contains(renamed)
                        .contains(defaulted);
                // ... and as each migration's trigger reported it: the command, who ran it
                List<AuditEntry> migrations =
                        schema.stream()
                                .filter(e -> e.getEntityId().equals("schema/contacts"))
                                .filter(e -> !e.getActor().getType().equals("lethe"))
                                // this run's: the raw topics also hold earlier tests' migrations
                                .filter(
                                        e ->
                                                Stream.of("added", "removed", "renamed", "retyped")
                                                        .anyMatch(
                                                                a ->
                                                                        e.getAttributes()
                                                                                .getOrDefault(a, "")
                                                                                .contains(suffix)))
                                .toList();
                assertThat(migrations)
                        .hasSize(6)
                        .allSatisfy(
                                e -> {
                                    assertThat(e.getOp()).isEqualTo("ALTER TABLE");
                                    assertThat(e.getActor().getType()).isEqualTo("database");
                                    assertThat(e.getTxId()).isNotNull();
                                });
                assertThat(migrations)
                        .extracting(e -> e.getAttributes().get("retyped"))
                        .contains(defaulted + ": integer NOT NULL -> bigint NOT NULL");
                assertThat(migrations)
                        .extracting(e -> e.getAttributes().get("renamed"))
                        .contains(added + " -> " + renamed);
                assertThat(migrations)
                        .extracting(e -> e.getAttributes().get("added"))
                        .contains(added, defaulted);
                assertThat(
                                schema.stream()
                                        .filter(e -> e.getEntityId().equals("schema/" + table))
                                        .map(
                                                e ->
                                                        e.getOp()
                                                                + " "
                                                                + e.getAttributes().get("change")
                                                                + " "
                                                                + e.getAttributes().get("published")
                                                                + "/"
                                                                + e.getAttributes()
                                                                        .get("unpublished"))
                                        .toList())
                        .containsExactly(
                                "CREATE TABLE created /",
                                "ALTER PUBLICATION published lethe_helpdesk/",
                                "ALTER PUBLICATION published /lethe_helpdesk",
                                "DROP TABLE dropped /");
                assertThat(schema)
                        .anySatisfy(
                                e -> {
                                    assertThat(e.getEntityId()).isEqualTo("schema/consents");
                                    assertThat(e.getOp()).isEqualTo("TRUNCATE");
                                    assertThat(e.getLsn()).isNotNull();
                                });
                // the touched rows carried the migrated columns into the log
                assertThat(entries)
                        .anySatisfy(
                                e ->
                                        assertThat(e.getChanges())
                                                .anyMatch(f -> f.getColumn().equals(renamed)));
            } finally {
                job.cancel().get();
            }
        } finally {
            try (Connection c = StackProbe.connectPostgres(s)) {
                exec(c, "ALTER TABLE contacts DROP COLUMN IF EXISTS " + added);
                exec(c, "ALTER TABLE contacts DROP COLUMN IF EXISTS " + renamed);
                exec(c, "ALTER TABLE contacts DROP COLUMN IF EXISTS " + defaulted);
                exec(c, "DROP TABLE IF EXISTS " + table);
            }
        }
    }

    /** The load, the migrations between its writes, then a marker change after everything. */
    private static void migrateUnderLoad(
            StackSettings s,
            String run,
            String added,
            String renamed,
            String defaulted,
            String table)
            throws Exception {
        try (Connection c = StackProbe.connectPostgres(s)) {
            CompletableFuture<LoadResult> loading =
                    SteadyLoad.start(s, 30, Duration.ofSeconds(60), run.hashCode());
            Thread.sleep(5_000);
            exec(c, "ALTER TABLE contacts ADD COLUMN " + added + " text");
            touch(c, added, "'a'");
            exec(c, "ALTER TABLE contacts ADD COLUMN " + defaulted + " integer NOT NULL DEFAULT 7");
            touch(c, defaulted, "8");
            Thread.sleep(3_000);
            exec(c, "ALTER TABLE contacts RENAME COLUMN " + added + " TO " + renamed);
            touch(c, renamed, "'r'");
            Thread.sleep(3_000);
            exec(c, "ALTER TABLE contacts ALTER COLUMN " + defaulted + " TYPE bigint");
            touch(c, defaulted, "9");
            Thread.sleep(3_000);
            exec(c, "ALTER TABLE contacts DROP COLUMN " + renamed);
            exec(c, "ALTER TABLE contacts DROP COLUMN " + defaulted);
            touch(c, "first_name", "first_name");
            Thread.sleep(3_000);
            exec(c, "TRUNCATE consents");
            // a table comes and goes: created, published, unpublished, dropped
            exec(c, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, note text)");
            exec(c, "ALTER PUBLICATION lethe_helpdesk ADD TABLE " + table);
            exec(c, "INSERT INTO " + table + " VALUES (1, 'n')");
            exec(c, "ALTER PUBLICATION lethe_helpdesk DROP TABLE " + table);
            exec(c, "DROP TABLE " + table);
            LoadResult loaded = loading.get();
            assertThat(loaded.total()).as("the load ran").isGreaterThan(300);
        }
        CommittedChanges.commitMarker(s, run);
    }

    /** Updates a few recent contacts' {@code column} to {@code value} (an SQL expression). */
    private static void touch(Connection c, String column, String value) throws Exception {
        exec(
                c,
                "UPDATE contacts SET "
                        + column
                        + " = "
                        + value
                        + " WHERE id IN (SELECT id FROM contacts ORDER BY id DESC LIMIT 5)");
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
