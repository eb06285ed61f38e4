package dev.lethe.jobs.discovery;

import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.jobs.testing.Savepoints;
import dev.lethe.jobs.testing.TestMasterKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery job's tracked locations survive a savepoint: a contact's locations are indexed, the
 * job ({@link DiscoveryJob#defineWorkflow} on a MiniCluster) is stopped with a savepoint and
 * started again from it; an edit that removes the contact's phone then deletes the phone's
 * location, which only the ids kept from the first run name.
 */
class DiscoverySavepointITCase {

    /** The master key in the TaskManager's data directory, where the job opens it. */
    @RegisterExtension static final TestMasterKey.PerClass MASTER_KEY = TestMasterKey.perClass();

    @TempDir Path savepoints;

    private final DiscoveryOutputs out = new DiscoveryOutputs();

    @AfterEach
    void forget() {
        out.clear();
    }

    @Test
    void aLocationIndexedBeforeTheSavepointIsDeletedAfterTheRestore() throws Exception {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-14T09:00:00Z"));
        Map<String, Object> anna = DiscoveryTestData.annaRaw();
        raw.begin().actor("agent", "7", "new customer").insert("contacts", anna).commit();
        int firstRun = raw.records().size();
        raw.begin()
                .actor("agent", "7", "removed the phone")
                .update("contacts", anna, with(anna, "phone", null))
                .commit();
        List<RawRecord> all = List.copyOf(raw.records());

        JobClient first = start(all.subList(0, firstRun), null);
        String savepoint;
        try {
            out.locations.await(
                    u -> u.stream().anyMatch(l -> l.documentId.equals("contacts/1/phone")), 60_000);
            savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
        } catch (Exception | AssertionError e) {
            first.cancel().get();
            throw e;
        }
        assertThat(out.locations.values())
                .filteredOn(l -> l.documentId.equals("contacts/1/phone"))
                .singleElement()
                .satisfies(l -> assertThat(l.isDelete()).isFalse());
        int before = out.locations.values().size();

        JobClient second = start(all.subList(firstRun, all.size()), savepoint);
        List<LocationUpdate> after;
        try {
            out.locations.await(
                    u ->
                            u.subList(before, u.size()).stream()
                                    .anyMatch(l -> l.documentId.equals("contacts/1/phone")),
                    60_000);
            Thread.sleep(300);
            after = out.locations.values().subList(before, out.locations.values().size());
        } finally {
            second.cancel().get();
        }
        assertThat(after)
                .filteredOn(l -> l.documentId.equals("contacts/1/phone"))
                .singleElement()
                .satisfies(l -> assertThat(l.isDelete()).isTrue());
        assertThat(after)
                .filteredOn(l -> l.documentId.equals("contacts/1/email"))
                .allSatisfy(l -> assertThat(l.isDelete()).isFalse());
        assertThat(out.deadLetters.values()).isEmpty();
    }

    private JobClient start(List<RawRecord> records, String savepoint) throws Exception {
        StreamExecutionEnvironment env = Savepoints.restoring(2, savepoint);
        JobSettings settings = OfflineSettings.of("--idle-timeout", "1s");
        DiscoveryJob.defineWorkflow(
                env,
                RawTopics.keptOpen(env, records, settings.idleTimeout()),
                out.sinks(),
                settings);
        return env.executeAsync("discovery-savepoint-itcase");
    }
}
