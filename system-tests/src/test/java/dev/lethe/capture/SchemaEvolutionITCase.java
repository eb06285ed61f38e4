package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.TestJobArgs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * A migration never takes a table out of governance: after {@code ALTER TABLE contacts ADD COLUMN
 * nickname}, a contact inserted with a nickname is in the audit log (the nickname encrypted, as
 * personal data of the contact, not plaintext), {@code subject find} finds it by its email, and
 * {@code status} names the column as unclassified until the catalog classifies it.
 */
class SchemaEvolutionITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aColumnAddedByAMigrationIsAuditedEncryptedIndexedAndNamedAsUnclassified()
            throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("schema");
        String column = "nickname_" + run.replaceAll("[^a-z0-9]", "_");
        JobSettings audit = AuditTestJobs.settings(s, run, 10);
        JobSettings discovery =
                JobSettings.parse(
                        TestJobArgs.of(
                                        s,
                                        dev.lethe.local.ComponentRole.DISCOVERY,
                                        "discovery-" + run,
                                        "discovery-" + run,
                                        "2s")
                                .toArray(String[]::new));
        StreamExecutionEnvironment remote = SetUpAndSubmit.flinkOf(s);
        JobClient auditJob = SetUpAndSubmit.audit(remote, audit);
        JobClient discoveryJob = SetUpAndSubmit.discovery(remote, discovery);
        String nickname = "Kiki-" + run;
        String email = "schema." + run + "@example.eu";
        try (Connection c = StackProbe.connectPostgres(s)) {
            // a contact of the old shape, logged first: the job knows the table's columns before
            // the migration (the first change of a table it ever sees only sets its shape)
            long before;
            try (ResultSet r =
                    c.createStatement()
                            .executeQuery(
                                    "INSERT INTO contacts (email) VALUES ('before."
                                            + run
                                            + "@example.eu') RETURNING id")) {
                r.next();
                before = r.getLong(1);
            }
            AuditTestJobs.entries(
                    audit.auditTopic(),
                    e -> e.getEntityId().equals("contacts/" + before),
                    l -> !l.isEmpty(),
                    Duration.ofSeconds(60));
            exec(c, "ALTER TABLE contacts ADD COLUMN " + column + " text");
            try {
                long id;
                c.setAutoCommit(false);
                Actor.agent(7, "new contact with a nickname").emit(c);
                try (PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO contacts (first_name, last_name, email, "
                                        + column
                                        + ") VALUES ('Kirsten', 'Schema', ?, ?) RETURNING id")) {
                    ps.setString(1, email);
                    ps.setString(2, nickname);
                    try (ResultSet r = ps.executeQuery()) {
                        r.next();
                        id = r.getLong(1);
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                String entity = "contacts/" + id;

                // the audit log holds the insert, the nickname encrypted
                List<AuditEntry> entries =
                        AuditTestJobs.entries(
                                audit.auditTopic(),
                                e -> e.getEntityId().equals(entity),
                                l -> !l.isEmpty(),
                                Duration.ofSeconds(60));
                assertThat(entries).hasSize(1);
                AuditFieldChange nick =
                        entries.get(0).getChanges().stream()
                                .filter(f -> f.getColumn().equals(column))
                                .findFirst()
                                .orElseThrow();
                assertThat(nick.getPersonal()).isTrue();
                assertThat(nick.getAfter()).isInstanceOf(ByteBuffer.class);
                assertThat(
                                new String(
                                        ((ByteBuffer) nick.getAfter()).array(),
                                        StandardCharsets.ISO_8859_1))
                        .doesNotContain(nickname);
                // ... and the migration is an entry of the table's chain, naming the column: as
                // the migration's trigger reported it (op the command, actor who ran it) and as
                // the first change of the new shape showed it (op ALTER)
                List<AuditEntry> schema =
                        AuditTestJobs.entries(
                                audit.auditTopic(),
                                e ->
                                        e.getEntityId().equals("schema/contacts")
                                                && List.of(
                                                                e.getAttributes()
                                                                        .getOrDefault("added", "")
                                                                        .split(","))
                                                        .contains(column),
                                l -> l.size() >= 2,
                                Duration.ofSeconds(60));
                AuditEntry altered =
                        schema.stream()
                                .filter(e -> e.getOp().equals("ALTER"))
                                .findFirst()
                                .orElseThrow();
                assertThat(altered.getKind()).isEqualTo("schema");
                assertThat(altered.getLsn()).isLessThanOrEqualTo(entries.get(0).getLsn());
                AuditEntry migration =
                        schema.stream()
                                .filter(e -> e.getOp().equals("ALTER TABLE"))
                                .findFirst()
                                .orElseThrow();
                assertThat(migration.getKind()).isEqualTo("schema");
                assertThat(migration.getActor().getType()).isEqualTo("database");
                assertThat(migration.getAttributes()).containsEntry("change", "altered");
                assertThat(migration.getAttributes().get("columnTypes")).contains(column + " text");
                assertThat(migration.getLsn()).isLessThan(altered.getLsn());

                // subject find <email> finds the contact
                JsonNode found = awaitFound(s, email, Duration.ofSeconds(60));
                List<String> records = new ArrayList<>();
                found.path("people")
                        .forEach(
                                p ->
                                        p.path("locations")
                                                .forEach(
                                                        l ->
                                                                records.add(
                                                                        l.path("record")
                                                                                .asText())));
                assertThat(records).contains(entity);

                // the Art. 15 export holds the unclassified column's value: personal until
                // classified
                java.nio.file.Path exportDir =
                        java.nio.file.Files.createTempDirectory("lethe-schema-export");
                AuditTestJobs.Cli exported =
                        AuditTestJobs.cli(
                                List.of(
                                        "subject",
                                        "export",
                                        "contact:" + id,
                                        "--format",
                                        "json",
                                        "--out",
                                        exportDir.toString(),
                                        "--reason",
                                        "IT " + run,
                                        "--data-dir",
                                        s.dataDir().toString()));
                assertThat(exported.code()).as(exported.out()).isZero();
                JsonNode nickItem = null;
                for (JsonNode item :
                        JSON.readTree(exportDir.resolve("contact-" + id + "-export.json").toFile())
                                .path("data")) {
                    if (item.path("column").asText().equals(column)) {
                        nickItem = item;
                    }
                }
                assertThat(nickItem).as("the nickname in the export").isNotNull();
                assertThat(nickItem.path("value").asText()).isEqualTo(nickname);
                assertThat(nickItem.path("category").asText()).isEqualTo("unclassified");

                // status names the column as unclassified
                AuditTestJobs.Cli status =
                        AuditTestJobs.cli(
                                List.of("status", "--json", "--data-dir", s.dataDir().toString()));
                JsonNode catalog = JSON.readTree(status.out()).path("catalog");
                assertThat(catalog.path("health").asText()).isEqualTo("attention");
                assertThat(catalog.path("unclassified").toString()).contains("contacts." + column);
                // ... since the first logged change that carried it, with the changes since
                JsonNode seen = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    AuditTestJobs.Cli withIndex =
                            AuditTestJobs.cli(
                                    List.of(
                                            "status",
                                            "--json",
                                            "--audit-index",
                                            audit.auditIndex(),
                                            "--data-dir",
                                            s.dataDir().toString()));
                    for (JsonNode col :
                            JSON.readTree(withIndex.out()).path("catalog").path("columns")) {
                        if (col.path("column").asText().equals("contacts." + column)) {
                            seen = col;
                        }
                    }
                    if (seen != null && !seen.path("since").isNull()) {
                        break;
                    }
                    Thread.sleep(1_000);
                }
                assertThat(seen).as("status names the column with what the log saw").isNotNull();
                assertThat(java.time.Instant.parse(seen.path("since").asText()))
                        .as("since the insert that carried it")
                        .isEqualTo(entries.get(0).getCommitTime());
                assertThat(seen.path("changes").asLong()).isGreaterThanOrEqualTo(1);
                AuditTestJobs.Cli check =
                        AuditTestJobs.cli(
                                List.of("catalog", "check", "--data-dir", s.dataDir().toString()));
                assertThat(check.code()).isEqualTo(1);
                assertThat(check.out())
                        .contains("UNCLASSIFIED_COLUMN contacts." + column)
                        .doesNotContain(nickname);

                // classified while the jobs run: no restart
                AuditTestJobs.Cli classify =
                        AuditTestJobs.cli(
                                List.of(
                                        "catalog",
                                        "classify",
                                        "contacts." + column,
                                        "--category",
                                        "NAME",
                                        "--note",
                                        "review 12",
                                        "--classified-by",
                                        "dpo-test",
                                        "--data-dir",
                                        s.dataDir().toString()));
                assertThat(classify.code()).as(classify.out()).isZero();
                assertThat(classify.out()).contains("Classified contacts." + column + " as name");
                // the classification is an entry of the audit log: who, what, when
                AuditEntry classified =
                        AuditTestJobs.entries(
                                        audit.auditTopic(),
                                        e -> e.getEntityId().equals("catalog/contacts." + column),
                                        l -> !l.isEmpty(),
                                        Duration.ofSeconds(60))
                                .get(0);
                assertThat(classified.getKind()).isEqualTo("classification");
                assertThat(classified.getOp()).isEqualTo("CLASSIFY");
                assertThat(classified.getActor().getId()).isEqualTo("dpo-test");
                assertThat(classified.getActor().getReason()).isEqualTo("review 12");
                assertThat(classified.getAttributes()).containsEntry("category", "name");
                // status and check no longer name it
                status =
                        AuditTestJobs.cli(
                                List.of("status", "--json", "--data-dir", s.dataDir().toString()));
                assertThat(
                                JSON.readTree(status.out())
                                        .path("catalog")
                                        .path("unclassified")
                                        .toString())
                        .doesNotContain("contacts." + column);
                assertThat(
                                AuditTestJobs.cli(
                                                List.of(
                                                        "catalog",
                                                        "check",
                                                        "--data-dir",
                                                        s.dataDir().toString()))
                                        .out())
                        .doesNotContain("contacts." + column);
                // the next contacts' nicknames are located as names (applied within 5 s)
                JsonNode located = null;
                long locatedBy = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                for (int i = 0; located == null && System.nanoTime() < locatedBy; i++) {
                    String next = "schema." + i + "." + run + "@example.eu";
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT INTO contacts (first_name, last_name, email, "
                                            + column
                                            + ") VALUES ('Kirsten', 'Schema', ?, ?)")) {
                        ps.setString(1, next);
                        ps.setString(2, nickname + "-" + i);
                        ps.executeUpdate();
                    }
                    for (JsonNode person :
                            awaitFound(s, next, Duration.ofSeconds(60)).path("people")) {
                        for (JsonNode l : person.path("locations")) {
                            if (l.path("column").asText().equals(column)) {
                                located = l;
                            }
                        }
                    }
                }
                assertThat(located).as("a nickname located after the classification").isNotNull();
                assertThat(located.path("category").asText()).isEqualTo("name");
            } finally {
                c.setAutoCommit(true);
                exec(c, "ALTER TABLE contacts DROP COLUMN " + column);
            }
        } finally {
            auditJob.cancel().get();
            discoveryJob.cancel().get();
        }
    }

    @Test
    void aTableAMigrationCreatedIsNamedAsUngovernedUntilDropped() throws Exception {
        StackSettings s = SharedStack.settings();
        String table = "ratings_" + AuditTestJobs.run("t").substring(2);
        List<String> status = List.of("status", "--json", "--data-dir", s.dataDir().toString());
        List<String> check = List.of("catalog", "check", "--data-dir", s.dataDir().toString());
        try (Connection c = StackProbe.connectPostgres(s)) {
            exec(c, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, remark text)");
            try {
                JsonNode catalog = JSON.readTree(AuditTestJobs.cli(status).out()).path("catalog");
                assertThat(catalog.path("health").asText()).isEqualTo("attention");
                assertThat(catalog.path("ungoverned").toString()).contains("\"" + table + "\"");
                assertThat(catalog.path("detail").asText()).contains("UNGOVERNED_TABLE " + table);
                AuditTestJobs.Cli checked = AuditTestJobs.cli(check);
                assertThat(checked.code()).isEqualTo(1);
                assertThat(checked.out()).contains("UNGOVERNED_TABLE " + table + ":");
            } finally {
                exec(c, "DROP TABLE " + table);
            }
        }
        assertThat(
                        JSON.readTree(AuditTestJobs.cli(status).out())
                                .path("catalog")
                                .path("ungoverned")
                                .toString())
                .doesNotContain(table);
        assertThat(AuditTestJobs.cli(check).out()).doesNotContain(table);
    }

    private static JsonNode awaitFound(StackSettings s, String email, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode found = null;
        while (System.nanoTime() < deadline) {
            AuditTestJobs.Cli cli =
                    AuditTestJobs.cli(
                            List.of(
                                    "subject",
                                    "find",
                                    email,
                                    "--json",
                                    "--data-dir",
                                    s.dataDir().toString()));
            if (cli.code() == 0) {
                found = JSON.readTree(cli.out());
                if (found.path("people").size() > 0) {
                    return found;
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("subject find never found " + email + ": " + found);
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
