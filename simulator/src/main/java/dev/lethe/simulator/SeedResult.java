package dev.lethe.simulator;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link HelpdeskGenerator#seed} wrote.
 *
 * @param firstContactId database id of the first contact written (0 when none)
 * @param lastContactId database id of the last contact written (0 when none)
 * @param groundTruthItems ground-truth lines written (0 when no file was asked for)
 * @param groundTruth the ground-truth file, or null
 */
public record SeedResult(
        long contacts,
        long tickets,
        long threads,
        long comments,
        long attachments,
        long consents,
        long accounts,
        long agents,
        long transactions,
        long firstContactId,
        long lastContactId,
        long groundTruthItems,
        Path groundTruth,
        Duration elapsed) {

    public long rows() {
        return contacts + tickets + threads + comments + attachments + consents + accounts + agents;
    }
}
