package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.SourcePosition;
import dev.lethe.normalize.Normalized;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaEntriesTest {

    private static final SourcePosition FIRST_WITH_NICKNAME =
            new SourcePosition(
                    24_000_200L,
                    812L,
                    Instant.parse("2025-03-01T10:00:05Z"),
                    Instant.parse("2025-03-01T10:00:05.040Z"),
                    false,
                    "helpdesk.public.contacts",
                    1,
                    57L);

    static TableShapes.SchemaChange nicknameAddedAndPhoneRenamed() {
        return new TableShapes.SchemaChange(
                "contacts",
                List.of("nickname", "phone_number"),
                List.of("phone"),
                List.of("email", "id", "nickname", "phone_number"),
                FIRST_WITH_NICKNAME);
    }

    @Test
    void aChangeOfColumnsIsAnAlterOfTheTablesSchemaChainWithNamesOnly() {
        AuditEntry e = SchemaEntries.ofSchemaChange(nicknameAddedAndPhoneRenamed());

        assertThat(e.getKind()).isEqualTo("schema");
        assertThat(e.getEntityId()).isEqualTo("schema/contacts");
        assertThat(e.getTable()).isEqualTo("contacts");
        assertThat(e.getKey()).isEmpty();
        assertThat(e.getOp()).isEqualTo("ALTER");
        assertThat(e.getChanges()).isEmpty();
        assertThat(e.getSubjectIds()).isEmpty();
        assertThat(e.getActor().getType()).isEqualTo("lethe");
        assertThat(e.getActor().getId()).isEqualTo("audit/table-shapes");
        assertThat(e.getActor().getReason()).isNull();
        assertThat(e.getAttributes())
                .containsOnly(
                        java.util.Map.entry("actionId", "schema:contacts@24000200"),
                        java.util.Map.entry("table", "contacts"),
                        java.util.Map.entry("added", "nickname,phone_number"),
                        java.util.Map.entry("removed", "phone"),
                        java.util.Map.entry("columns", "email,id,nickname,phone_number"),
                        java.util.Map.entry("firstLsn", "24000200"));
        // where it was first seen; the transaction of that change is not the migration's
        assertThat(e.getLsn()).isEqualTo(24_000_200L);
        assertThat(e.getTxId()).isNull();
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2025-03-01T10:00:05Z"));
        assertThat(e.getCaptureTime()).isEqualTo(Instant.parse("2025-03-01T10:00:05.040Z"));
        assertThat(e.getSourceTopic()).isEqualTo("helpdesk.public.contacts");
        assertThat(e.getSourcePartition()).isEqualTo(1);
        assertThat(e.getSourceOffset()).isEqualTo(57L);
        assertThat(e.getLogIndex()).isEqualTo(-1L);
        // chainable and hashable like any entry
        e.setLogIndex(0);
        assertThat(HashChain.append(null, e, new EntryHasher()).seq()).isEqualTo(1);
    }

    @Test
    void noColumnAddedOrRemovedIsAnEmptyAttribute() {
        TableShapes.SchemaChange dropped =
                new TableShapes.SchemaChange(
                        "contacts",
                        List.of(),
                        List.of("nickname"),
                        List.of("email", "id"),
                        FIRST_WITH_NICKNAME);

        AuditEntry e = SchemaEntries.ofSchemaChange(dropped);

        assertThat(e.getAttributes())
                .containsEntry("added", "")
                .containsEntry("removed", "nickname");
    }

    @Test
    void aTruncateIsAnEntryOfTheTablesSchemaChainWithItsTransaction() {
        Normalized.Truncate t =
                new Normalized.Truncate(
                        "consents",
                        new SourcePosition(
                                24_000_300L,
                                990L,
                                Instant.parse("2025-03-01T11:00:00Z"),
                                Instant.parse("2025-03-01T11:00:00.040Z"),
                                false,
                                "helpdesk.public.consents",
                                0,
                                12L));

        AuditEntry e = SchemaEntries.ofTruncate(t);

        assertThat(e.getKind()).isEqualTo("truncate");
        assertThat(e.getEntityId()).isEqualTo("schema/consents");
        assertThat(e.getTable()).isEqualTo("consents");
        assertThat(e.getOp()).isEqualTo("TRUNCATE");
        assertThat(e.getSubjectIds()).isEmpty();
        assertThat(e.getChanges()).isEmpty();
        // the actor join gives it the truncating transaction's actor
        assertThat(e.getActor().getType()).isEqualTo("unknown");
        assertThat(ActorJoin.transactionOf(e)).isEqualTo(990L);
        assertThat(e.getLsn()).isEqualTo(24_000_300L);
        assertThat(e.getCommitTime()).isEqualTo(Instant.parse("2025-03-01T11:00:00Z"));
        assertThat(e.getSourceOffset()).isEqualTo(12L);
        assertThat(e.getAttributes())
                .containsOnly(
                        java.util.Map.entry("actionId", "truncate:consents@24000300"),
                        java.util.Map.entry("table", "consents"));
    }
}
