package dev.lethe.jobs.discovery;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.jobs.testing.TestMasterKey;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The discovery job's topology ({@link DiscoveryJob#defineWorkflow}) on a MiniCluster with
 * parallelism 2: Debezium records of the raw topics in, the location updates and dead letters
 * collected, the updates applied in order to an index in memory (as Elasticsearch applies them).
 * What the end-to-end test in module system-tests checks on the real stack, without Kafka,
 * PostgreSQL or Elasticsearch: declared columns and PII found in free text located with the right
 * records and subjects, an edit that removes a phone number removing that location, a soft delete
 * marking the row's locations, a delete removing them, a poison record a dead letter.
 */
class DiscoveryJobITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String JEAN_EMAIL = "jean.dupont@orange.fr";
    private static final String JEAN_MOBILE = "+33 6 12 34 56 78";
    private static final String IBAN = "DE89370400440532013000";

    /** The master key in the TaskManager's data directory, where the job opens it. */
    @RegisterExtension static final TestMasterKey.PerClass MASTER_KEY = TestMasterKey.perClass();

    private final DiscoveryOutputs out = new DiscoveryOutputs();

    @AfterEach
    void forget() {
        out.clear();
    }

    @Test
    void theLocationsFollowTheHelpdeskRowByRow() throws Exception {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-14T09:00:00Z"));
        Map<String, Object> anna = DiscoveryTestData.annaRaw();
        Map<String, Object> jean =
                row(
                        "contacts",
                        "id",
                        2,
                        "first_name",
                        "Jean",
                        "last_name",
                        "Dupont",
                        "email",
                        JEAN_EMAIL,
                        "mobile",
                        JEAN_MOBILE,
                        "locale",
                        "fr-FR",
                        "region",
                        "EU");
        raw.begin()
                .actor("agent", "7", "new customers")
                .insert("contacts", anna)
                .insert("contacts", jean)
                .commit();
        Map<String, Object> ticket =
                row(
                        "tickets",
                        "id",
                        10,
                        "contact_id",
                        1,
                        "subject",
                        "Rückruf",
                        "description",
                        "Mein Kollege Jean Dupont ("
                                + JEAN_EMAIL
                                + ") hat dasselbe Problem, Tel. "
                                + JEAN_MOBILE
                                + ". Viele Grüße, Anna",
                        "status",
                        "open",
                        "channel",
                        "email",
                        "custom_fields",
                        "{\"iban\":\"" + IBAN + "\"}");
        raw.begin().actor("customer", "1", "opened a ticket").insert("tickets", ticket).commit();
        long inserted = raw.lastLsn();
        long ticketOffset = raw.records().get(raw.records().size() - 1).offset;
        Map<String, Object> edited =
                with(
                        ticket,
                        "description",
                        "Mein Kollege Jean Dupont hat dasselbe Problem. Viele Grüße, Anna");
        raw.begin().actor("agent", "7", "removed a phone number").update("tickets", ticket, edited);
        raw.commit();
        long edit = raw.lastLsn();
        long poisonOffset =
                raw.raw(
                        DebeziumLog.topic("tickets"),
                        DebeziumLog.utf8("{\"id\":10}"),
                        DebeziumLog.utf8("{not json"));
        raw.begin()
                .actor("agent", "7", "soft delete")
                .update("contacts", anna, with(anna, "deleted_at", "2025-03-14T09:00:04Z"))
                .commit();
        long softDelete = raw.lastLsn();
        raw.begin().actor("agent", "7", "hard delete").delete("tickets", edited).commit();

        run(raw);

        List<LocationUpdate> updates = out.locations.values();
        // each document's updates in LSN order, as Elasticsearch's external versions require
        Map<String, Long> lastVersion = new HashMap<>();
        for (LocationUpdate u : updates) {
            Long before = lastVersion.put(u.documentId, u.version);
            assertThat(before == null || before < u.version)
                    .as("%s after version %s", u, before)
                    .isTrue();
        }

        // after the inserts: the declared columns of both contacts, Anna's phone normalized
        Map<String, JsonNode> index = indexAsOf(updates, inserted);
        assertThat(index.get("contacts/1/email").path("value").asText())
                .isEqualTo("anna.mueller@example.eu");
        assertThat(index.get("contacts/1/phone").path("value").asText()).isEqualTo("+493023125000");
        assertThat(index.get("contacts/1/email").path("subjectIds").toString())
                .isEqualTo("[\"contact:1\"]");
        assertThat(index.get("contacts/2/mobile").path("subjectIds").toString())
                .isEqualTo("[\"contact:2\"]");
        // the ticket: declared columns, the mention of Jean found in its description, the
        // encrypted IBAN located without its value
        Map<String, JsonNode> ticketDocs = documentsOf(index, "tickets/10");
        assertThat(kinds(ticketDocs)).contains("contact_id", "encrypted", "email", "phone", "name");
        assertThat(ticketDocs.values())
                .allSatisfy(d -> assertThat(d.path("table").asText()).isEqualTo("tickets"));
        JsonNode phone = finding(ticketDocs, "phone");
        assertThat(phone.path("column").asText()).isEqualTo("description");
        assertThat(phone.path("value").asText()).isEqualTo("+33612345678");
        assertThat(phone.path("subjectIds").toString()).isEqualTo("[\"contact:2\"]");
        JsonNode email = finding(ticketDocs, "email");
        assertThat(email.path("value").asText()).isEqualTo(JEAN_EMAIL);
        assertThat(email.path("subjectIds").toString()).isEqualTo("[\"contact:2\"]");
        // Jean by full name, Anna (the ticket's own contact) by her first name in the greeting
        assertThat(
                        ticketDocs.values().stream()
                                .filter(d -> d.path("kind").asText().equals("name"))
                                .filter(d -> d.has("spanStart"))
                                .map(d -> d.path("value").asText() + " " + d.path("subjectIds")))
                .containsExactlyInAnyOrder("Jean Dupont [\"contact:2\"]", "Anna [\"contact:1\"]");
        assertThat(ticketDocs.toString()).contains("custom_fields.iban").doesNotContain(IBAN);
        assertThat(updates)
                .filteredOn(u -> u.documentId.startsWith("tickets/10/") && u.version == inserted)
                .isNotEmpty()
                .allSatisfy(
                        u -> {
                            assertThat(u.originTopic).isEqualTo(DebeziumLog.topic("tickets"));
                            assertThat(u.originOffset).isEqualTo(ticketOffset);
                        });

        // the edit removed the phone number and the email: their locations are deleted
        Map<String, JsonNode> afterEdit = documentsOf(indexAsOf(updates, edit), "tickets/10");
        assertThat(kinds(afterEdit)).contains("name", "encrypted").doesNotContain("phone", "email");
        Set<String> removedByEdit =
                updates.stream()
                        .filter(u -> u.version == edit && u.isDelete())
                        .map(u -> u.documentId)
                        .collect(Collectors.toCollection(TreeSet::new));
        Set<String> goneWithEdit = new TreeSet<>(ticketDocs.keySet());
        goneWithEdit.removeAll(afterEdit.keySet());
        assertThat(removedByEdit)
                .isEqualTo(goneWithEdit)
                .contains(idOf(ticketDocs, phone), idOf(ticketDocs, email));
        // what the edit left as it was is not written again: its documents keep their version
        assertThat(afterEdit.keySet()).contains("tickets/10/contact_id");
        assertThat(updates)
                .filteredOn(u -> u.version == edit && !u.isDelete())
                .extracting(u -> u.documentId)
                .isNotEmpty()
                .doesNotContain("tickets/10/contact_id")
                .allSatisfy(id -> assertThat(ticketDocs).doesNotContainKey(id));

        // soft delete: still in the helpdesk, so still located, marked
        Map<String, JsonNode> afterSoftDelete = indexAsOf(updates, softDelete);
        assertThat(documentsOf(afterSoftDelete, "contacts/1").values())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.path("softDeleted").asBoolean()).isTrue());
        assertThat(documentsOf(afterSoftDelete, "contacts/2").values())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.path("softDeleted").asBoolean()).isFalse());

        // the delete removes every location of the ticket, and nothing of anyone else
        Map<String, JsonNode> end = indexAsOf(updates, Long.MAX_VALUE);
        assertThat(documentsOf(end, "tickets/10")).isEmpty();
        assertThat(documentsOf(end, "contacts/1").keySet())
                .isEqualTo(documentsOf(afterSoftDelete, "contacts/1").keySet());
        assertThat(documentsOf(end, "contacts/2").keySet())
                .isEqualTo(documentsOf(index, "contacts/2").keySet());

        // the poison record: a dead letter naming where it was
        assertThat(out.deadLetters.values())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getReason()).isEqualTo("MALFORMED_JSON");
                            assertThat(d.getJob()).isEqualTo("discovery/normalize");
                            assertThat(d.getSourceTopic()).isEqualTo(DebeziumLog.topic("tickets"));
                            assertThat(d.getSourceOffset()).isEqualTo(poisonOffset);
                        });
    }

    @Test
    void aTruncatedTablesLocationsGoAndTheRowsWrittenAfterItStay() throws Exception {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-14T09:00:00Z"));
        Map<String, Object> anna =
                row("contacts", "id", 1, "first_name", "Anna", "email", "anna@example.eu");
        raw.begin().actor("agent", "7", "a customer").insert("contacts", anna).commit();
        for (int id = 20; id < 23; id++) {
            raw.begin()
                    .actor("customer", "1", "a ticket")
                    .insert(
                            "tickets",
                            row(
                                    "tickets",
                                    "id",
                                    id,
                                    "contact_id",
                                    1,
                                    "subject",
                                    "Frage",
                                    "description",
                                    "Bitte rufen Sie mich an: " + JEAN_MOBILE,
                                    "status",
                                    "open",
                                    "channel",
                                    "email"))
                    .commit();
        }
        long beforeTruncate = raw.lastLsn();
        raw.begin().actor("agent", "7", "cleanup").truncate("tickets").commit();
        long truncated = raw.lastLsn();
        raw.begin()
                .actor("customer", "1", "a new ticket")
                .insert(
                        "tickets",
                        row(
                                "tickets",
                                "id",
                                30,
                                "contact_id",
                                1,
                                "subject",
                                "Neu",
                                "status",
                                "open",
                                "channel",
                                "email"))
                .commit();

        run(raw);

        // the truncate reaches the locations' tracker by broadcast, while the rows before it are
        // located: a row's locations are indexed and deleted at the truncate's LSN, or skipped as
        // older than it, whichever comes first (TrackLocationsTest has each); never left behind
        List<LocationUpdate> updates = out.locations.values();
        Map<String, JsonNode> after = indexAsOf(updates, Long.MAX_VALUE);
        for (int id = 20; id < 23; id++) {
            assertThat(documentsOf(after, "tickets/" + id)).as("tickets/" + id).isEmpty();
        }
        assertThat(documentsOf(after, "tickets/30")).isNotEmpty();
        assertThat(documentsOf(after, "contacts/1")).isNotEmpty();
        assertThat(updates)
                .filteredOn(u -> u.isDelete() && u.documentId.startsWith("tickets/2"))
                .allSatisfy(u -> assertThat(u.version).isEqualTo(truncated));
        assertThat(beforeTruncate).isLessThan(truncated);
        assertThat(out.deadLetters.values()).as("a truncate is no dead letter here").isEmpty();
    }

    private void run(DebeziumLog raw) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        JobSettings settings = OfflineSettings.of("--idle-timeout", "30s");
        DiscoveryJob.defineWorkflow(
                env,
                RawTopics.bounded(env, raw.records(), settings.idleTimeout()),
                out.sinks(),
                settings);
        env.execute("discovery-job-itcase");
    }

    /** The index as the updates of changes up to {@code lsn} leave it: id -> document. */
    private static Map<String, JsonNode> indexAsOf(List<LocationUpdate> updates, long lsn)
            throws IOException {
        Map<String, JsonNode> index = new TreeMap<>();
        for (LocationUpdate u : updates) {
            if (u.version > lsn) {
                continue;
            }
            if (u.isDelete()) {
                assertThat(index.remove(u.documentId)).as("deleted %s was indexed", u).isNotNull();
            } else {
                index.put(u.documentId, JSON.readTree(u.document));
            }
        }
        return index;
    }

    private static Map<String, JsonNode> documentsOf(Map<String, JsonNode> index, String record) {
        Map<String, JsonNode> docs = new TreeMap<>();
        index.forEach(
                (id, d) -> {
                    if (d.path("recordId").asText().equals(record)) {
                        assertThat(id).startsWith(record + "/");
                        docs.put(id, d);
                    }
                });
        return docs;
    }

    private static List<String> kinds(Map<String, JsonNode> docs) {
        List<String> kinds = new ArrayList<>();
        docs.values().forEach(d -> kinds.add(d.path("kind").asText()));
        return kinds;
    }

    /** The one document of {@code kind} found in free text (it has a span). */
    private static JsonNode finding(Map<String, JsonNode> docs, String kind) {
        List<JsonNode> found =
                docs.values().stream()
                        .filter(d -> d.path("kind").asText().equals(kind) && d.has("spanStart"))
                        .toList();
        assertThat(found).as("findings of kind %s", kind).hasSize(1);
        return found.get(0);
    }

    private static String idOf(Map<String, JsonNode> docs, JsonNode doc) {
        return docs.entrySet().stream()
                .filter(e -> e.getValue() == doc)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }
}
