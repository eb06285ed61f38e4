package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.audit.LetheActionEntries;
import dev.lethe.jobs.kafka.ReplayPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeadLettersCommandTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    private static final String SECRET = "anna@example.eu";

    private static DeadLetter letter(String job, String topic, long offset, boolean withValue) {
        return new DeadLetter(
                job,
                "SCHEMA_CHANGE",
                "table contacts: columns differ",
                topic,
                0,
                offset,
                ByteBuffer.wrap("{\"id\":1}".getBytes(StandardCharsets.UTF_8)),
                withValue
                        ? ByteBuffer.wrap(
                                ("{\"email\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8))
                        : null,
                T0.plusSeconds(offset));
    }

    @Test
    void theListingCountsByTableAndKeepsEveryEarlierKey() {
        RecentDeadLetters read =
                new RecentDeadLetters(
                        T0,
                        2,
                        Map.of("SCHEMA_CHANGE", 2L),
                        Map.of("helpdesk.public.contacts", 1L, "lethe-audit", 1L),
                        Map.of("contacts", 1L),
                        List.of(
                                new RecentDeadLetters.Letter(
                                        T0,
                                        "audit/normalize",
                                        "SCHEMA_CHANGE",
                                        "table contacts: columns differ",
                                        "helpdesk.public.contacts",
                                        0,
                                        17,
                                        "contacts",
                                        "lethe.deadletter/0@3",
                                        true)));

        JsonNode json = DeadLettersCommand.json(read, read.letters());

        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly("since", "total", "byReason", "bySource", "byTable", "letters");
        assertThat(json.path("byTable").path("contacts").asLong()).isEqualTo(1);
        JsonNode l = json.path("letters").get(0);
        assertThat(l.fieldNames())
                .toIterable()
                .startsWith(
                        "failedAt",
                        "job",
                        "reason",
                        "detail",
                        "sourceTopic",
                        "sourcePartition",
                        "sourceOffset")
                .contains("table", "deadLetter", "replayable");
        assertThat(l.path("table").asText()).isEqualTo("contacts");
        assertThat(l.path("deadLetter").asText()).isEqualTo("lethe.deadletter/0@3");
    }

    @Test
    void lettersBelowTheirSourcesEarliestOffsetAreLostCoverageWithWhatCanStillBeDone() {
        String contacts = "helpdesk.public.contacts";
        List<LostCoverage.Letter> letters =
                List.of(
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@0",
                                letter("audit/normalize", contacts, 5, true),
                                "helpdesk"),
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@1",
                                letter("audit/normalize", contacts, 6, false),
                                "helpdesk"),
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@2",
                                letter("discovery/normalize", contacts, 7, true),
                                "helpdesk"),
                        // still in its topic
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@3",
                                letter("audit/normalize", contacts, 40, true),
                                "helpdesk"),
                        // a topic gone altogether
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@4",
                                letter("audit/normalize", "helpdesk.public.gone", 1, true),
                                "helpdesk"),
                        // an index's reject: no source position
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@5",
                                letter("audit/index", "lethe-audit", -1, false),
                                "helpdesk"),
                        // a topic that could not be looked at: not claimed lost
                        LostCoverage.Letter.of(
                                "lethe.deadletter/0@6",
                                letter("audit/normalize", "helpdesk.public.tickets", 1, true),
                                "helpdesk"));
        assertThat(LostCoverage.sources(letters))
                .containsExactlyInAnyOrder(
                        new TopicPartition(contacts, 0),
                        new TopicPartition("helpdesk.public.gone", 0),
                        new TopicPartition("helpdesk.public.tickets", 0));

        List<LostCoverage.Lost> lost =
                LostCoverage.find(
                        letters,
                        Map.of(
                                new TopicPartition(contacts, 0), 30L,
                                new TopicPartition("helpdesk.public.gone", 0), -1L),
                        List.of(
                                new ReplayPlan.Made(
                                        "lethe.deadletter/0@2",
                                        "discovery",
                                        contacts + "/0@7",
                                        T0.plusSeconds(60))));

        assertThat(lost)
                .extracting(x -> x.letter().position() + " " + x.state())
                .as("oldest first")
                .containsExactly(
                        "lethe.deadletter/0@4 replayable from the dead letter",
                        "lethe.deadletter/0@0 replayable from the dead letter",
                        "lethe.deadletter/0@1 lost",
                        "lethe.deadletter/0@2 replayed");
        JsonNode json = DeadLettersCommand.lostJson(lost);
        assertThat(json.path("total").asLong()).isEqualTo(4);
        assertThat(json.path("replayable").asLong()).isEqualTo(2);
        assertThat(json.path("letters").get(0).path("earliestOffset").asLong()).isEqualTo(-1);
        assertThat(json.path("letters").get(1).path("earliestOffset").asLong()).isEqualTo(30);
        assertThat(json.path("letters").get(3).path("replayed").asBoolean()).isTrue();
        assertThat(json.path("letters").get(3).path("replayable").asBoolean()).isFalse();
        assertThat(json.toString()).doesNotContain(SECRET);
    }

    @Test
    void theReplaysRecordIsAnAuditEntryNamingPositionsOnly() throws Exception {
        List<ReplayPlan.Letter> letters = new ArrayList<>();
        for (int i = 0; i < LetheActionEntries.REPLAY_SOURCES_LISTED + 10; i++) {
            letters.add(
                    new ReplayPlan.Letter(
                            "lethe.deadletter",
                            0,
                            100 + i,
                            letter(
                                    i % 2 == 0 ? "audit/normalize" : "discovery/normalize",
                                    "helpdesk.public.contacts",
                                    i,
                                    true)));
        }
        ReplayPlan plan =
                ReplayPlan.of(
                        letters,
                        List.of(),
                        new ReplayPlan.Selection("SCHEMA_CHANGE", null, "contacts"),
                        "helpdesk");
        byte[] record =
                AuditRequests.deadLetterReplayRecord(
                        "SCHEMA_CHANGE",
                        "ops1",
                        "catalog 0.3",
                        T0.plusSeconds(3600),
                        "contacts",
                        null,
                        plan);
        assertThat(new String(record, StandardCharsets.UTF_8)).doesNotContain(SECRET);

        AuditEntry e =
                LetheActionEntries.ofRequestRecord(
                        record, "lethe.audit.requests", 0, 7, T0.plusSeconds(3601));
        assertThat(e.getKind()).isEqualTo("deadletter-replay");
        assertThat(e.getEntityId()).isEqualTo("deadletters/SCHEMA_CHANGE");
        assertThat(e.getActor().getId()).isEqualTo("ops1");
        assertThat(e.getAttributes())
                .containsEntry("count", "60")
                .containsEntry("job.audit", "30")
                .containsEntry("job.discovery", "30")
                .containsEntry("table", "contacts")
                .containsEntry("sourcesOmitted", "10")
                .containsEntry("firstDeadLetter", "lethe.deadletter/0@100")
                .containsEntry("lastDeadLetter", "lethe.deadletter/0@159");
        assertThat(e.getAttributes().get("sources")).startsWith("helpdesk.public.contacts/0@0,");
        assertThat(DeadLettersCommand.summary(plan))
                .startsWith("60 to replay {audit=30, discovery=30}; 0 replayed before");
    }

    @Test
    void replayRefusesWhatTheAuditLogMustNotKeepBeforeTouchingTheStack() {
        for (List<String> args :
                List.of(
                        List.of("--reason", "not a code"),
                        List.of("--reason", "SCHEMA_CHANGE", "--replayed-by", SECRET),
                        List.of("--reason", "SCHEMA_CHANGE", "--note", "asked by " + SECRET),
                        List.of("--reason", "SCHEMA_CHANGE", "--table", "contacts;drop"))) {
            List<String> all = new ArrayList<>(List.of("deadletters", "replay"));
            all.addAll(args);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream previous = System.err;
            int code;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                code = Lethe.run(all.toArray(String[]::new));
            } finally {
                System.setErr(previous);
            }
            assertThat(code).as(String.join(" ", args)).isEqualTo(2);
        }
    }

    @Test
    void replayIsASubcommandWithItsOwnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Lethe.commandLine()
                .getSubcommands()
                .get("deadletters")
                .getSubcommands()
                .get("replay")
                .usage(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--reason", "--since", "--table", "--dry-run", "--replayed-by");
    }
}
