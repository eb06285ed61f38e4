package dev.lethe.connectors.capture;

import static dev.lethe.connectors.capture.ChangeRecords.SECRET;
import static dev.lethe.connectors.capture.ChangeRecords.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MaskEncryptedFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema TICKET =
            SchemaBuilder.struct()
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("subject", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("custom_fields", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();
    private static final Schema DEFINITION =
            SchemaBuilder.struct()
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("encrypted", Schema.BOOLEAN_SCHEMA)
                    .build();

    private MaskEncryptedFields<SourceRecord> mask;

    @BeforeEach
    void setUp() {
        mask = configured(Map.of("keys", "iban,national_id"));
    }

    private static MaskEncryptedFields<SourceRecord> configured(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("secret", SECRET));
        config.putAll(extra);
        MaskEncryptedFields<SourceRecord> m = new MaskEncryptedFields<>();
        m.configure(config);
        return m;
    }

    private static Struct ticket(long id, String customFields) {
        return new Struct(TICKET)
                .put("id", id)
                .put("subject", "printer on fire")
                .put("custom_fields", customFields);
    }

    private static JsonNode fields(SourceRecord r, String image) throws Exception {
        return JSON.readTree(((Struct) r.value()).getStruct(image).getString("custom_fields"));
    }

    @Test
    void masksEncryptedKeysInBeforeAndAfterAndKeepsTheOthers() throws Exception {
        SourceRecord in =
                change(
                        "tickets",
                        TICKET,
                        ticket(7, "{\"iban\":\"DE89370400440532013000\",\"order\":\"A-1\"}"),
                        ticket(7, "{\"iban\":\"DE02120300000000202051\",\"order\":\"A-2\"}"));

        SourceRecord out = mask.apply(in);

        JsonNode before = fields(out, "before");
        JsonNode after = fields(out, "after");
        assertThat(before.get("iban").asText()).startsWith(MaskEncryptedFields.PREFIX);
        assertThat(after.get("iban").asText()).startsWith(MaskEncryptedFields.PREFIX);
        assertThat(before.get("iban").asText()).isNotEqualTo(after.get("iban").asText());
        assertThat(before.get("order").asText()).isEqualTo("A-1");
        assertThat(after.get("order").asText()).isEqualTo("A-2");
        assertThat(out.value().toString()).doesNotContain("DE89370400440532013000", "DE0212030");
        assertThat(((Struct) out.value()).getStruct("after").getString("subject"))
                .isEqualTo("printer on fire");
        // the record handed in is left as it was
        assertThat(in.value().toString()).contains("DE89370400440532013000");
    }

    @Test
    void sameValueSameDigestUnderOneSecretAndAnotherUnderAnother() throws Exception {
        String json = "{\"national_id\":\"123-45-6789\"}";
        String a = mask.mask(json);
        String b = mask.mask(json);
        String other =
                configured(Map.of("keys", "national_id", "secret", SECRET + "-other")).mask(json);

        assertThat(a).isEqualTo(b).doesNotContain("123-45-6789");
        assertThat(other).isNotEqualTo(a);
        // the key name is part of the digest: equal values under two keys cannot be matched
        String sameUnderIban =
                JSON.readTree(mask.mask("{\"iban\":\"123-45-6789\"}")).get("iban").asText();
        assertThat(JSON.readTree(a).get("national_id").asText()).isNotEqualTo(sameUnderIban);
    }

    @Test
    void nonTextValuesAndLookalikesAreMaskedNullsStay() throws Exception {
        JsonNode out =
                JSON.readTree(
                        mask.mask(
                                "{\"iban\":{\"raw\":\"DE89370400440532013000\"},"
                                        + "\"national_id\":\"lethe-masked:1234567890\","
                                        + "\"vip\":null}"));
        assertThat(out.get("iban").asText()).startsWith(MaskEncryptedFields.PREFIX);
        assertThat(out.get("national_id").asText())
                .startsWith(MaskEncryptedFields.PREFIX)
                .isNotEqualTo("lethe-masked:1234567890");
        assertThat(out.get("vip").isNull()).isTrue();
        assertThat(mask.mask("{\"iban\":null,\"order\":\"A-1\"}"))
                .isEqualTo("{\"iban\":null,\"order\":\"A-1\"}");
    }

    @Test
    void aValueThatIsNotAJsonObjectIsMaskedWhole() {
        assertThat(mask.mask("[\"DE89370400440532013000\"]"))
                .startsWith("\"" + MaskEncryptedFields.PREFIX)
                .doesNotContain("DE89");
        String notJson = mask.mask("not json DE89370400440532013000");
        assertThat(notJson).startsWith("\"" + MaskEncryptedFields.PREFIX).doesNotContain("DE89");
        assertThat(mask.mask("not json DE02120300000000202051")).isNotEqualTo(notJson);
    }

    @Test
    void learnsEncryptedDefinitionsFromTheStream() throws Exception {
        assertThat(mask.encryptedKeys()).containsExactlyInAnyOrder("iban", "national_id");
        SourceRecord plainDefinition =
                change(
                        "custom_field_definitions",
                        DEFINITION,
                        null,
                        new Struct(DEFINITION)
                                .put("id", 1L)
                                .put("name", "order")
                                .put("encrypted", false));
        SourceRecord encryptedDefinition =
                change(
                        "custom_field_definitions",
                        DEFINITION,
                        null,
                        new Struct(DEFINITION)
                                .put("id", 2L)
                                .put("name", "passport_no")
                                .put("encrypted", true));

        assertThat(mask.apply(plainDefinition)).isSameAs(plainDefinition);
        assertThat(mask.apply(encryptedDefinition)).isSameAs(encryptedDefinition);

        assertThat(mask.encryptedKeys()).contains("passport_no").doesNotContain("order");
        SourceRecord t =
                mask.apply(
                        change(
                                "tickets",
                                TICKET,
                                null,
                                ticket(8, "{\"passport_no\":\"C01X00T47\",\"order\":\"B\"}")));
        assertThat(fields(t, "after").get("passport_no").asText())
                .startsWith(MaskEncryptedFields.PREFIX);
        assertThat(fields(t, "after").get("order").asText()).isEqualTo("B");
    }

    @Test
    void otherTablesMessagesAndTombstonesPassUntouched() {
        SourceRecord contact =
                change(
                        "contacts",
                        TICKET,
                        null,
                        ticket(1, "{\"iban\":\"DE89370400440532013000\"}"));
        assertThat(mask.apply(contact)).isSameAs(contact);

        SourceRecord tombstone =
                new SourceRecord(
                        Map.of(), Map.of(), "helpdesk.public.tickets", 0, null, null, null, null);
        assertThat(mask.apply(tombstone)).isSameAs(tombstone);

        Schema messageSchema =
                SchemaBuilder.struct()
                        .field("op", Schema.STRING_SCHEMA)
                        .field("content", Schema.STRING_SCHEMA)
                        .build();
        SourceRecord message =
                new SourceRecord(
                        Map.of(),
                        Map.of(),
                        "helpdesk.message",
                        0,
                        null,
                        null,
                        messageSchema,
                        new Struct(messageSchema).put("op", "m").put("content", "x"));
        assertThat(mask.apply(message)).isSameAs(message);

        SourceRecord noEncryptedKey =
                change("tickets", TICKET, null, ticket(2, "{\"order\":\"A-1\"}"));
        assertThat(mask.apply(noEncryptedKey)).isSameAs(noEncryptedKey);
    }

    @Test
    void badConfigurationSaysWhatToFix() {
        assertThatThrownBy(() -> configured(Map.of("secret", "short")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 32 characters")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> configured(Map.of("secret", "${env:LETHE_CAPTURE_MASK_SECRET}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unresolved config variable")
                .hasMessageContaining("LETHE_CAPTURE_MASK_SECRET");
        assertThatThrownBy(() -> configured(Map.of("definitions.table", "x; DROP TABLE t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lower-case SQL identifier");
        assertThatThrownBy(() -> new MaskEncryptedFields<SourceRecord>().configure(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secret");
        assertThatThrownBy(
                        () ->
                                configured(
                                        Map.of(
                                                "definitions.jdbc.url",
                                                "jdbc:postgresql://127.0.0.1:1/none")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("custom_field_definitions")
                .hasMessageContaining("definitions.jdbc.url");
    }
}
