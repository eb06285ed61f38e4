package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why and how long the helpdesk keeps each table's personal data, as an Art. 15 export must tell
 * the data subject: {@code processing-register.yaml} (shipped, or the operator's own file).
 */
final class ProcessingRegister {

    /** What applies to one table's data. */
    record Processing(String purpose, String legalBasis, String source, String retention) {}

    static final String RESOURCE = "/dev/lethe/cli/processing-register.yaml";

    private final Processing fallback;
    private final Map<String, Processing> tables;

    private ProcessingRegister(Processing fallback, Map<String, Processing> tables) {
        this.fallback = fallback;
        this.tables = tables;
    }

    static ProcessingRegister load(Path file) {
        if (file == null) {
            try (InputStream in = ProcessingRegister.class.getResourceAsStream(RESOURCE)) {
                return parse(in, RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read processing register " + file + ": " + e.getMessage());
        }
    }

    private static ProcessingRegister parse(InputStream in, String source) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        if (root == null || !root.has("default")) {
            throw new IllegalArgumentException(
                    "processing register " + source + " has no 'default' entry");
        }
        Map<String, Processing> tables = new LinkedHashMap<>();
        Processing fallback = processing(root.get("default"), null);
        root.path("tables")
                .fields()
                .forEachRemaining(e -> tables.put(e.getKey(), processing(e.getValue(), fallback)));
        return new ProcessingRegister(fallback, tables);
    }

    private static Processing processing(JsonNode n, Processing fallback) {
        return new Processing(
                text(n, "purpose", fallback == null ? "" : fallback.purpose()),
                text(n, "legal_basis", fallback == null ? "" : fallback.legalBasis()),
                text(n, "source", fallback == null ? "" : fallback.source()),
                text(n, "retention", fallback == null ? "" : fallback.retention()));
    }

    private static String text(JsonNode n, String field, String fallback) {
        return n.hasNonNull(field) ? n.get(field).asText() : fallback;
    }

    Processing of(String table) {
        return tables.getOrDefault(table, fallback);
    }
}
