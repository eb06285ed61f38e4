package dev.lethe.connectors.capture;

import static dev.lethe.connectors.capture.ChangeRecords.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.normalize.SizeLimits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class BoundValueSizesTest {

    private static final Schema TICKET =
            SchemaBuilder.struct()
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("subject", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("description", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("custom_fields", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();

    private static BoundValueSizes<SourceRecord> bound(int maxValue, int maxEvent) {
        BoundValueSizes<SourceRecord> b = new BoundValueSizes<>();
        b.configure(
                Map.of(
                        "secret", SECRET,
                        "max.value.bytes", Integer.toString(maxValue),
                        "max.event.value.bytes", Integer.toString(maxEvent)));
        return b;
    }

    private static Struct ticket(String description, String customFields) {
        return new Struct(TICKET)
                .put("id", 42L)
                .put("subject", "printer on fire")
                .put("description", description)
                .put("custom_fields", customFields);
    }

    private static SourceRecord update(Struct before, Struct after) {
        return ChangeRecords.change("tickets", TICKET, before, after);
    }

    private static Struct image(SourceRecord r, String which) {
        return ((Struct) r.value()).getStruct(which);
    }

    @Test
    void aValueOverTheBoundTravelsAsItsLengthAndDigestInBothImages() {
        String log = "ERROR disk full\n".repeat(40_000); // 640,000 bytes
        SourceRecord in = update(ticket(log, "{}"), ticket(log + "again", "{}"));

        SourceRecord out = bound(256 * 1024, 1024 * 1024).apply(in);

        String before = image(out, "before").getString("description");
        String after = image(out, "after").getString("description");
        assertThat(OversizedValue.parse(before))
                .hasValueSatisfying(v -> assertThat(v.bytes()).isEqualTo(640_000));
        assertThat(OversizedValue.parse(after))
                .hasValueSatisfying(v -> assertThat(v.bytes()).isEqualTo(640_005));
        assertThat(before).isNotEqualTo(after);
        assertThat(image(out, "after").getString("subject")).isEqualTo("printer on fire");
        assertThat(image(out, "after").getInt64("id")).isEqualTo(42L);
        // the record given is not changed
        assertThat(image(in, "after").getString("description")).hasSize(640_005);
    }

    @Test
    void anUnchangedLargeValueHasTheSameMarkerBeforeAndAfter() {
        String log = "x".repeat(300_000);
        SourceRecord out =
                bound(256 * 1024, 1024 * 1024)
                        .apply(update(ticket(log, "{}"), ticket(log, "{\"a\":1}")));

        assertThat(image(out, "before").getString("description"))
                .isEqualTo(image(out, "after").getString("description"));
    }

    @Test
    void theLargestValuesGoUntilTheEventFits() {
        String a = "a".repeat(200_000);
        String b = "b".repeat(150_000);
        // 2 x (200,000 + 150,000) = 700,000 bytes of strings, each under the value bound
        SourceRecord out = bound(256 * 1024, 400_000).apply(update(ticket(a, b), ticket(a, b)));

        assertThat(OversizedValue.isMarker(image(out, "before").getString("description"))).isTrue();
        assertThat(OversizedValue.isMarker(image(out, "after").getString("description"))).isTrue();
        assertThat(image(out, "after").getString("custom_fields")).isEqualTo(b);
        assertThat(image(out, "before").getString("custom_fields")).isEqualTo(b);
    }

    @Test
    void smallEventsPassUntouched() {
        SourceRecord in = update(ticket("short", "{}"), ticket("short too", "{}"));

        assertThat(bound(256 * 1024, 1024 * 1024).apply(in)).isSameAs(in);
    }

    @Test
    void lengthIsCountedInUtf8Bytes() {
        String text = "ü€😀x\uD800";
        assertThat(BoundValueSizes.utf8Length(text)).isEqualTo(2 + 3 + 4 + 1 + 1);
        String ok = "ü€😀x";
        assertThat(BoundValueSizes.utf8Length(ok))
                .isEqualTo(ok.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aMissingOrShortSecretOrInvertedBoundsAreRefusedSayingWhatToSet() {
        BoundValueSizes<SourceRecord> b = new BoundValueSizes<>();
        assertThatThrownBy(() -> b.configure(Map.of("secret", "short")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("LETHE_CAPTURE_MASK_SECRET");
        assertThatThrownBy(
                        () ->
                                b.configure(
                                        Map.of(
                                                "secret", SECRET,
                                                "max.value.bytes", "500000",
                                                "max.event.value.bytes", "400000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max.event.value.bytes");
    }

    @Test
    void markersParseOnlyWhenWellFormed() {
        OversizedValue v = new OversizedValue(614_400, "AAAAAAAAAAAAAAAAAAAAAA");
        assertThat(OversizedValue.parse(v.marker())).contains(v);
        assertThat(OversizedValue.parse("lethe-oversized:v1:0614400:AAAAAAAAAAAAAAAAAAAAAA"))
                .isEmpty();
        assertThat(OversizedValue.parse("lethe-oversized:v1:12:short")).isEmpty();
        assertThat(OversizedValue.parse("plain text")).isEmpty();
    }

    @Test
    void itsDefaultsAndTheRegistrationAreThePipelinesSizeLimits() throws Exception {
        assertThat(BoundValueSizes.CONFIG.defaultValues())
                .containsEntry(BoundValueSizes.MAX_VALUE_BYTES, SizeLimits.MAX_VALUE_BYTES)
                .containsEntry(
                        BoundValueSizes.MAX_EVENT_VALUE_BYTES, SizeLimits.MAX_EVENT_VALUE_BYTES);
        assertThat(BoundValueSizes.LARGEST_EVENT_VALUE_BYTES)
                .isEqualTo(SizeLimits.MAX_MESSAGE_BYTES / 8);

        JsonNode config;
        try (InputStream in =
                BoundValueSizesTest.class.getResourceAsStream(
                        "/dev/lethe/connectors/register-helpdesk.json")) {
            config = new ObjectMapper().readTree(in).path("config");
        }
        assertThat(config.path("transforms.boundValues.max.value.bytes").asInt())
                .isEqualTo(SizeLimits.MAX_VALUE_BYTES);
        assertThat(config.path("transforms.boundValues.max.event.value.bytes").asInt())
                .isEqualTo(SizeLimits.MAX_EVENT_VALUE_BYTES);
        assertThat(config.path("producer.override.max.request.size").asInt())
                .isEqualTo(SizeLimits.MAX_MESSAGE_BYTES);
        assertThat(config.path("topic.creation.default.max.message.bytes").asInt())
                .isEqualTo(SizeLimits.MAX_MESSAGE_BYTES);
    }
}
