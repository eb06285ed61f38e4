package dev.lethe.jobs.discovery;

import static dev.lethe.discovery.DiscoveryRows.deleted;
import static dev.lethe.discovery.DiscoveryRows.inserted;
import static dev.lethe.discovery.DiscoveryRows.updated;
import static dev.lethe.discovery.DiscoveryRows.with;
import static dev.lethe.jobs.discovery.DiscoveryTestData.contact;
import static dev.lethe.jobs.discovery.DiscoveryTestData.ticket;
import static dev.lethe.jobs.testing.Utf8.containsUtf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.catalog.ColumnClassification;
import dev.lethe.catalog.DataCategory;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.config.ClassifiedColumns;
import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.jobs.config.TestClassifications;
import dev.lethe.keys.MasterKey;
import dev.lethe.normalize.EntityId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectLocationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fixed master key (32 bytes), as a job would open from env or the key file. */
    private static final MasterKeys TEST_MASTER_KEY =
            () -> {
                MasterKey key = MasterKey.of(new byte[MasterKey.LENGTH_BYTES]);
                return () -> key;
            };

    private static final String MENTION =
            "Mein Kollege Jean Dupont hat dasselbe Problem, Telefon +33 6 12 34 56 78.";

    private static KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ChangeEvent, LocatedRow>
            harness() throws Exception {
        KeyedBroadcastProcessFunction<String, ChangeEvent, ChangeEvent, LocatedRow> f =
                new DetectLocations("", PhoneDetector.DEFAULT_REGIONS, TEST_MASTER_KEY);
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                f, EntityId::of, Types.STRING, DetectLocations.DIRECTORY);
    }

    private static KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ChangeEvent, LocatedRow>
            unopenedHarness() throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new DetectLocations("", PhoneDetector.DEFAULT_REGIONS, TEST_MASTER_KEY),
                        List.of(DetectLocations.DIRECTORY)),
                EntityId::of,
                Types.STRING,
                1,
                1,
                0);
    }

    private static List<JsonNode> documents(LocatedRow row) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        for (byte[] d : row.documents) {
            docs.add(JSON.readTree(d));
        }
        return docs;
    }

    /** A change, then the watermark at its commit time (as the source's would follow). */
    private static void send(
            KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ChangeEvent, LocatedRow> h,
            ChangeEvent change)
            throws Exception {
        long committed = change.getSource().getCommitTime().toEpochMilli();
        h.processElement(change, committed);
        h.watermark(committed);
    }

    private static int keyedStateEntries(
            KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ChangeEvent, LocatedRow> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    @Test
    void aTicketReadBeforeTheContactItNamesWaitsForTheWatermark() throws Exception {
        try (var h = harness()) {
            ChangeEvent ticket = at(inserted("tickets", ticket(7, 1, MENTION), 2), 2_000);
            ChangeEvent jean =
                    at(
                            inserted(
                                    "contacts",
                                    contact(
                                            2,
                                            "Jean",
                                            "Dupont",
                                            "jean@orange.fr",
                                            "+33 6 12 34 56 78"),
                                    1),
                            1_000);
            h.processElement(ticket, 2_000);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(keyedStateEntries(h)).isEqualTo(1);

            h.processBroadcastElement(jean, 1_000);
            h.watermark(2_000);

            LocatedRow row = last(h);
            assertThat(finding(row, "name").path("subjectIds").toString())
                    .isEqualTo("[\"contact:2\"]");
            // located, so nothing of the row is kept
            assertThat(keyedStateEntries(h)).isZero();
        }
    }

    private static ChangeEvent at(ChangeEvent e, long commitMillis) {
        ChangeEvent c = ChangeEvent.newBuilder(e).build();
        c.getSource().setCommitTime(java.time.Instant.ofEpochMilli(commitMillis));
        return c;
    }

    private static LocatedRow last(
            KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ChangeEvent, LocatedRow> h) {
        List<LocatedRow> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private static JsonNode finding(LocatedRow row, String kind) throws Exception {
        return documents(row).stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.has("spanStart"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aMentionedContactIsResolvedThroughTheBroadcastDirectory() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(
                    inserted(
                            "contacts",
                            contact(2, "Jean", "Dupont", "jean@orange.fr", "+33 6 12 34 56 78"),
                            1),
                    1);
            send(h, inserted("tickets", ticket(7, 1, MENTION), 2));

            LocatedRow row = last(h);
            assertThat(row.recordId).isEqualTo("tickets/7");
            assertThat(row.lsn).isEqualTo(2);
            assertThat(finding(row, "name").path("subjectIds").toString())
                    .isEqualTo("[\"contact:2\"]");
            JsonNode phone = finding(row, "phone");
            assertThat(phone.path("value").asText()).isEqualTo("+33612345678");
            assertThat(phone.path("subjectIds").toString()).isEqualTo("[\"contact:2\"]");
            // the encrypted IBAN is a location, its value is not in any document
            String all =
                    new String(
                            String.join(
                                            "\n",
                                            documents(row).stream()
                                                    .map(JsonNode::toString)
                                                    .toList())
                                    .getBytes(StandardCharsets.UTF_8),
                            StandardCharsets.UTF_8);
            assertThat(all).contains("custom_fields.iban").doesNotContain("DE89370400440532013000");
        }
    }

    /**
     * The broadcast side is read at once, the main input waits for the watermark: a contact's
     * delete read before a ticket committed earlier is located (as in a replay after a restore)
     * does not change how the ticket is located. It names the contact, as it did when first read.
     */
    @Test
    void aChangeIsLocatedWithTheDirectoryAsItsLsnSawItNotWithWhatWasReadSince() throws Exception {
        var jean = contact(2, "Jean", "Dupont", "jean@orange.fr", "+33 6 12 34 56 78");
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processBroadcastElement(at(inserted("contacts", jean, 1), 1_000), 1_000);
            h.watermark(1_000);
            h.processElement(at(inserted("tickets", ticket(7, 1, MENTION), 2), 2_000), 2_000);
            h.processBroadcastElement(at(deleted("contacts", jean, 3), 3_000), 3_000);
            snapshot = h.snapshot(1, 10);

            h.watermark(2_000);
            assertThat(finding(last(h), "name").path("subjectIds").toString())
                    .as("the ticket names the contact its LSN knew")
                    .isEqualTo("[\"contact:2\"]");
            send(h, at(inserted("tickets", ticket(8, 1, MENTION), 4), 4_000));
            assertThat(finding(last(h), "phone").path("subjectIds").size())
                    .as("a ticket after the delete names no one")
                    .isZero();
        }
        try (var h = unopenedHarness()) { // the same from the checkpoint: a replay
            h.initializeState(snapshot);
            h.open();
            h.watermark(2_000);
            assertThat(finding(last(h), "name").path("subjectIds").toString())
                    .isEqualTo("[\"contact:2\"]");
            send(h, at(inserted("tickets", ticket(8, 1, MENTION), 4), 4_000));
            assertThat(finding(last(h), "phone").path("subjectIds").size()).isZero();
        }
    }

    @Test
    void theDirectorySurvivesARestoreAndForgetsDeletedContacts() throws Exception {
        OperatorSubtaskState snapshot;
        var jean = contact(2, "Jean", "Dupont", "jean@orange.fr", "+33 6 12 34 56 78");
        try (var h = harness()) {
            h.processBroadcastElement(inserted("contacts", jean, 1), 1);
            snapshot = h.snapshot(1, 10);
        }
        try (var h = unopenedHarness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, inserted("tickets", ticket(7, 1, MENTION), 2));
            assertThat(finding(last(h), "phone").path("subjectIds").toString())
                    .isEqualTo("[\"contact:2\"]");

            h.processBroadcastElement(deleted("contacts", jean, 3), 3);
            send(h, inserted("tickets", ticket(8, 1, MENTION), 4));
            LocatedRow row = last(h);
            assertThat(finding(row, "phone").path("subjectIds").size()).isZero();
            assertThat(documents(row))
                    .noneMatch(d -> d.path("kind").asText().equals("name") && d.has("spanStart"));
        }
    }

    @Test
    void aChangeThatLeavesALocationAsItWasGivesItTheSameFingerprint() throws Exception {
        try (var h = harness()) {
            var open = ticket(7, 1, MENTION);
            var closed = with(open, "status", "closed");
            var rewritten = with(closed, "description", MENTION.replace("+33 6 12", "+33 6 99"));
            send(h, inserted("tickets", open, 10));
            LocatedRow first = last(h);
            send(h, updated("tickets", open, closed, 20));
            LocatedRow statusOnly = last(h);
            send(h, updated("tickets", closed, rewritten, 30));
            LocatedRow phoneChanged = last(h);

            assertThat(first.fingerprints).hasSize(first.documentIds.length).doesNotContain(0L);
            assertThat(statusOnly.documentIds).containsExactly(first.documentIds);
            for (int i = 0; i < first.documentIds.length; i++) {
                // written at another LSN, same location
                assertThat(statusOnly.documents[i]).isNotEqualTo(first.documents[i]);
                assertThat(statusOnly.fingerprints[i]).isEqualTo(first.fingerprints[i]);
            }
            String phone = finding(phoneChanged, "phone").path("value").asText();
            assertThat(phone).contains("699");
            for (int i = 0; i < phoneChanged.documentIds.length; i++) {
                int before = List.of(first.documentIds).indexOf(phoneChanged.documentIds[i]);
                boolean isPhone =
                        JSON.readTree(phoneChanged.documents[i])
                                        .path("kind")
                                        .asText()
                                        .equals("phone")
                                && JSON.readTree(phoneChanged.documents[i]).has("spanStart");
                if (isPhone) {
                    assertThat(phoneChanged.fingerprints[i])
                            .isNotEqualTo(first.fingerprints[before]);
                } else if (before >= 0) {
                    assertThat(phoneChanged.fingerprints[i]).isEqualTo(first.fingerprints[before]);
                }
            }
            // a keyed hash: the content's plain SHA-256 is not what is kept
            assertThat(first.fingerprints[0])
                    .isNotEqualTo(
                            java.nio.ByteBuffer.wrap(
                                            java.security.MessageDigest.getInstance("SHA-256")
                                                    .digest(first.documents[0]))
                                    .getLong());
        }
    }

    @Test
    void aDeletedRowHasNoLocations() throws Exception {
        try (var h = harness()) {
            send(h, deleted("tickets", ticket(7, 1, MENTION), 9));
            LocatedRow row = last(h);
            assertThat(row.deleted).isTrue();
            assertThat(row.documentIds).isEmpty();
        }
    }

    @Test
    void anUncataloguedColumnIsScannedAsFreeTextAndGoesToNoDeadLetter() throws Exception {
        try (var h = harness()) {
            var row =
                    with(
                            contact(3, "Anna", "Müller", "anna@gmx.de", null),
                            "second_address",
                            "write to anna.private@posteo.de please");
            send(h, inserted("contacts", row, 5));
            assertThat(h.getSideOutput(DetectLocations.DEAD_LETTERS)).isNullOrEmpty();
            assertThat(last(h).documentIds)
                    .contains("contacts/3/email")
                    .anyMatch(id -> id.startsWith("contacts/3/second_address"));
        }
    }

    @Test
    void aColumnClassifiedWhileTheJobRunsIsLocatedAsDeclaredFromTheNextChangeOn() throws Exception {
        List<ColumnClassification> classified = new CopyOnWriteArrayList<>();
        ClassifiedColumns.Source source = TestClassifications.of(classified);
        KeyedBroadcastProcessFunction<String, ChangeEvent, ChangeEvent, LocatedRow> f =
                new DetectLocations("", PhoneDetector.DEFAULT_REGIONS, TEST_MASTER_KEY)
                        .followingClassifications(source);
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        f, EntityId::of, Types.STRING, DetectLocations.DIRECTORY)) {
            send(
                    h,
                    inserted(
                            "contacts",
                            with(
                                    contact(3, "Anna", "Müller", "a@gmx.de", null),
                                    "nickname",
                                    "Nana"),
                            5));
            // unclassified: scanned as free text, where "Nana" is nobody's identifier
            assertThat(last(h).documentIds).noneMatch(id -> id.startsWith("contacts/3/nickname"));

            classified.add(TestClassifications.nickname(DataCategory.NAME, true));
            send(
                    h,
                    inserted(
                            "contacts",
                            with(contact(4, "Bea", "Kunz", "b@gmx.de", null), "nickname", "Bibi"),
                            6));

            JsonNode nickname =
                    documents(last(h)).stream()
                            .filter(d -> d.path("column").asText().equals("nickname"))
                            .findFirst()
                            .orElseThrow();
            assertThat(nickname.path("category").asText()).isEqualTo("name");
            assertThat(nickname.path("value").asText()).isEqualTo("Bibi");
            assertThat(nickname.path("recordId").asText()).isEqualTo("contacts/4");
        }
    }

    @Test
    void checkpointsHoldNoPlaintextValueOfWaitingChangesOrTheDirectory(@TempDir Path dir)
            throws Exception {
        String email = "zelda.quintanilla-marsh@lethe-probe.example";
        String mobile = "+33 6 98 76 54 32";
        String note = "Bitte Zelda Quintanilla-Marsh anrufen, " + mobile + ", oder " + email;
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processBroadcastElement(
                    at(
                            inserted(
                                    "contacts",
                                    contact(4, "Zelda", "Quintanilla-Marsh", email, mobile),
                                    1),
                            1_000),
                    1_000);
            // waits for the watermark: it is in keyed state when the checkpoint is taken
            h.processElement(at(inserted("tickets", ticket(9, 1, note), 2), 2_000), 2_000);
            assertThat(keyedStateEntries(h)).isEqualTo(1);
            snapshot = h.snapshot(1, 10);
        }
        Path file = dir.resolve("detect-locations.snapshot");
        OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
        byte[] bytes = Files.readAllBytes(file);

        // the state is in the file (the waiting change's key is), its values are not
        assertThat(containsUtf8(bytes, "tickets/9")).isTrue();
        for (String value :
                List.of(email, "Quintanilla-Marsh", "+33698765432", mobile, "anrufen")) {
            assertThat(containsUtf8(bytes, value))
                    .as("plaintext %s in the snapshot", value)
                    .isFalse();
        }

        // and the waiting change is still attributed after a restore
        try (var h = unopenedHarness()) {
            h.initializeState(snapshot);
            h.open();
            h.watermark(2_000);
            LocatedRow row = last(h);
            assertThat(row.recordId).isEqualTo("tickets/9");
            assertThat(finding(row, "email").path("subjectIds").toString())
                    .isEqualTo("[\"contact:4\"]");
            assertThat(keyedStateEntries(h)).isZero();
        }
    }
}
