package dev.lethe.jobs.retention;

import static dev.lethe.jobs.retention.RetentionTestData.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.RetentionPolicy;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PendingPurgeTest {

    private static final Instant DELETED_AT = Instant.parse("2026-03-01T10:15:30.123456Z");

    private static PurgeCommand softDeletedTicket(Map<String, String> key) {
        RetentionPolicy.Due due =
                POLICY.due("tickets", Map.of("deleted_at", DELETED_AT.toString())).orElseThrow();
        return PurgeCommand.retention("tickets", key, EntityId.of("tickets", key), due);
    }

    @Test
    void theStateIsAFlinkPojoNotKryo() {
        assertThat(PendingPurge.TYPE).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void theCommandRebuiltFromKeyAndPolicyIsTheScheduledOneAndItsSerializedFormIsSmall()
            throws Exception {
        PurgeCommand scheduled = softDeletedTicket(Map.of("id", "424242"));
        PendingPurge pending = PendingPurge.of(scheduled);
        pending.timer = scheduled.deadline().toEpochMilli();

        var serializer = PendingPurge.TYPE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(pending, out);
        PendingPurge restored =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(out.length()).isLessThan(80);
        assertThat(restored.command(scheduled.entityId(), POLICY)).contains(scheduled);
        assertThat(restored.timer).isEqualTo(pending.timer);
        assertThat(restored.start()).isEqualTo(DELETED_AT);
    }

    @Test
    void keysOtherThanASingleIdColumnComeBackExactly() {
        for (Map<String, String> key :
                java.util.List.of(
                        Map.of("ticket_id", "7"),
                        Map.of("tag_id", "7", "ticket_id", "42"),
                        Map.of("a", "x,y=z%2C", "b%", "="),
                        Map.of("code", "100%"))) {
            PurgeCommand scheduled = softDeletedTicket(key);
            assertThat(PendingPurge.of(scheduled).command(scheduled.entityId(), POLICY))
                    .get()
                    .extracting(PurgeCommand::key)
                    .isEqualTo(key);
        }
    }

    @Test
    void anotherDeadlineOrRuleIsAnotherPurge() {
        PurgeCommand scheduled = softDeletedTicket(Map.of("id", "1"));
        PendingPurge pending = PendingPurge.of(scheduled);
        assertThat(pending.sameAs(scheduled)).isTrue();
        RetentionPolicy.Due later =
                POLICY.due("tickets", Map.of("deleted_at", DELETED_AT.plusNanos(1_000).toString()))
                        .orElseThrow();
        assertThat(
                        pending.sameAs(
                                PurgeCommand.retention(
                                        "tickets", Map.of("id", "1"), "tickets/1", later)))
                .isFalse();
    }
}
