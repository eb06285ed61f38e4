package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Someone has looked at the stack's monitor's completeness findings so far and taken them on: its
 * gaps, doubles and read-backs counted as of {@link #at}. Until one of those counts grows, {@code
 * status} shows completeness healthy again; the findings themselves stay in the monitor's counts,
 * its log and the watermark file. Kept beside the monitor's state in {@value #FILE}, written by
 * {@code ./lethe audit reconcile --acknowledge REASON}.
 *
 * @param gaps the monitor's changes reported missing, over all runs, when acknowledged
 * @param doubles its doubles then
 * @param problems its read-backs then
 * @param at when
 * @param by who (the operating-system user that ran the command)
 * @param reason why, as given
 */
record CompletenessAcknowledgement(
        long gaps, long doubles, long problems, Instant at, String by, String reason) {

    static final String FILE = "audit-monitor-acknowledged.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The acknowledgement kept in {@code dataDir}, if any (an unreadable file counts as none). */
    static Optional<CompletenessAcknowledgement> read(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return Optional.of(
                    new CompletenessAcknowledgement(
                            n.path("gaps").asLong(),
                            n.path("doubles").asLong(),
                            n.path("problems").asLong(),
                            Instant.parse(n.path("at").asText()),
                            n.path("by").asText(""),
                            n.path("reason").asText("")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Keeps it in {@code dataDir} (0600, replacing an earlier one). */
    void write(Path dataDir) throws IOException {
        OwnerOnlyFiles.write(dataDir.resolve(FILE), JSON.writeValueAsString(json()));
    }

    ObjectNode json() {
        ObjectNode n = JSON.createObjectNode();
        n.put("gaps", gaps);
        n.put("doubles", doubles);
        n.put("problems", problems);
        n.put("at", at.toString());
        n.put("by", by);
        n.put("reason", reason);
        return n;
    }
}
