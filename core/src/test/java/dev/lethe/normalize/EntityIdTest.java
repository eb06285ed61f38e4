package dev.lethe.normalize;

import static dev.lethe.normalize.DebeziumRecords.insertOf;
import static dev.lethe.normalize.HelpdeskRows.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.ChangeEvent;
import dev.lethe.normalize.DebeziumRecords.RawRecord;
import dev.lethe.normalize.Normalized.Change;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityIdTest {

    @Test
    void singleColumnKeyIsTableSlashValue() {
        assertThat(EntityId.of("contacts", Map.of("id", "42"))).isEqualTo("contacts/42");
    }

    @Test
    void entityIdOfANormalizedChange() {
        RawRecord insert = insertOf("contacts", contact(42)).toRecord();
        ChangeEvent change =
                ((Change)
                                ChangeNormalizer.forHelpdesk()
                                        .normalize(
                                                insert.topic(),
                                                insert.partition(),
                                                insert.offset(),
                                                insert.key(),
                                                insert.value()))
                        .event();

        assertThat(EntityId.of(change)).isEqualTo("contacts/42");
    }

    @Test
    void multiColumnKeyIsSortedByColumnWhateverTheMapOrder() {
        Map<String, String> ticketFirst = new LinkedHashMap<>();
        ticketFirst.put("ticket_id", "42");
        ticketFirst.put("tag_id", "7");
        Map<String, String> tagFirst = new LinkedHashMap<>();
        tagFirst.put("tag_id", "7");
        tagFirst.put("ticket_id", "42");

        assertThat(EntityId.of("ticket_tags", ticketFirst))
                .isEqualTo("ticket_tags/tag_id=7,ticket_id=42")
                .isEqualTo(EntityId.of("ticket_tags", tagFirst));
    }

    @Test
    void separatorsInValuesCannotMakeTwoKeysLookAlike() {
        Map<String, String> twoColumns = new HashMap<>();
        twoColumns.put("a", "1");
        twoColumns.put("b", "2");
        Map<String, String> oneColumnLookingLikeTwo = Map.of("a", "1,b=2");
        Map<String, String> valueWithPercent = Map.of("a", "1%2Cb%3D2");

        String two = EntityId.of("t", twoColumns);
        String one = EntityId.of("t", oneColumnLookingLikeTwo);
        String percent = EntityId.of("t", valueWithPercent);

        assertThat(two).isEqualTo("t/a=1,b=2");
        assertThat(one).isEqualTo("t/1%2Cb%3D2");
        assertThat(percent).isEqualTo("t/1%252Cb%253D2");
        assertThat(Map.of(two, 1, one, 2, percent, 3)).hasSize(3);
    }

    @Test
    void singleValueWithEqualsSignNeverLooksLikeAColumnPair() {
        assertThat(EntityId.of("t", Map.of("a", "b=2"))).isEqualTo("t/b%3D2").doesNotContain("=");
    }

    @Test
    void unicodeAndSlashesInValuesAreKept() {
        assertThat(EntityId.of("attachments", Map.of("storage_key", "2025/03/ø")))
                .isEqualTo("attachments/2025/03/ø");
    }

    @Test
    void nullKeyColumnIsRefusedNamingTheColumnNotTheValue() {
        Map<String, String> key = new HashMap<>();
        key.put("id", null);

        assertThatThrownBy(() -> EntityId.of("contacts", key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id");
    }

    @Test
    void emptyKeyOrBadTableIsRefused() {
        assertThatThrownBy(() -> EntityId.of("contacts", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntityId.of("public/contacts", Map.of("id", "1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
