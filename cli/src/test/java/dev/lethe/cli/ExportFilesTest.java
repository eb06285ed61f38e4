package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.ProcessingRegister.Processing;
import dev.lethe.cli.SubjectExport.ExportPackage;
import dev.lethe.cli.SubjectExport.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportFilesTest {

    private static final Processing TICKETS = ProcessingRegister.load(null).of("tickets");

    private static ExportPackage annasPackage() {
        return new ExportPackage(
                "contact:1",
                "Anna <Müller>",
                Instant.parse("2025-03-14T09:26:53Z"),
                List.of(
                        new Item(
                                "tickets",
                                "tickets/7",
                                "description",
                                "free_text",
                                "=HYPERLINK(\"x\") \"quoted\", <b>bold</b>",
                                false,
                                false,
                                TICKETS,
                                List.of("helpdesk database")),
                        new Item(
                                "tickets",
                                "tickets/7",
                                "custom_fields.iban",
                                "encrypted_custom_field",
                                "DE89370400440532013000",
                                true,
                                false,
                                TICKETS,
                                List.of("helpdesk database")),
                        new Item(
                                "comments",
                                "comments/5",
                                "content",
                                "free_text",
                                "+493023125000",
                                false,
                                true,
                                TICKETS,
                                List.of("helpdesk database"))));
    }

    @Test
    void writesJsonCsvAndHtml(@TempDir Path dir) throws Exception {
        List<Path> files =
                ExportFiles.write(annasPackage(), List.of(ExportFiles.Format.values()), dir);
        assertThat(files)
                .extracting(f -> f.getFileName().toString())
                .containsExactly(
                        "contact-1-export.json", "contact-1-export.csv", "contact-1-export.html");

        JsonNode json = new ObjectMapper().readTree(files.get(0).toFile());
        assertThat(json.path("subjectId").asText()).isEqualTo("contact:1");
        assertThat(json.path("data")).hasSize(3);
        assertThat(json.path("data").get(1).path("encryptedAtRest").asBoolean()).isTrue();
        assertThat(json.path("data").get(0).path("retention").asText()).contains("3 years");
        assertThat(json.path("mentionsInOtherRecords").asInt()).isEqualTo(1);

        List<String> csv = Files.readAllLines(files.get(1));
        assertThat(csv).hasSize(4);
        // a formula is defused, quotes doubled
        assertThat(csv.get(1)).contains("\"'=HYPERLINK(\"\"x\"\") \"\"quoted\"\", <b>bold</b>\"");

        String html = Files.readString(files.get(2));
        assertThat(html)
                .contains("Anna &lt;Müller&gt;")
                .contains("&lt;b&gt;bold&lt;/b&gt;")
                .doesNotContain("<b>bold</b>");
        assertThat(html)
                .contains("mentions in other people&#39;s records")
                .contains("encrypted at rest");
    }

    @Test
    void theAuditRecordNamesFilesAndHashesButNoData(@TempDir Path dir) throws Exception {
        List<Path> files = ExportFiles.write(annasPackage(), List.of(ExportFiles.Format.JSON), dir);
        byte[] record =
                AuditRequests.exportRecord(
                        "contact:1",
                        "dpo",
                        "request #12",
                        3,
                        1,
                        files,
                        Instant.parse("2025-03-14T10:00:00Z"));
        String text = new String(record, java.nio.charset.StandardCharsets.UTF_8);
        JsonNode n = new ObjectMapper().readTree(record);
        assertThat(n.path("type").asText()).isEqualTo("export");
        assertThat(n.path("files").get(0).path("sha256").asText())
                .hasSize(64)
                .isEqualTo(AuditRequests.sha256(files.get(0)));
        assertThat(text).doesNotContain("DE89370400440532013000").doesNotContain("Anna");
    }
}
