package dev.lethe.erasure;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an erasure of {@code subjectId} would do now: the records to erase (their own row first),
 * what would be deleted with them, the mentions to redact (record -> column -> the person's values
 * the index found there), a blocking open ticket, and the person as the redaction recognises them
 * (names and identifiers from their own row and the index).
 */
public record ErasurePlan(
        List<String> erase,
        List<String> dependents,
        Map<String, Map<String, Set<String>>> redact,
        String openTicket,
        MentionRedactor.Person person) {
    public int size() {
        return erase.size() + dependents.size() + redact.size();
    }

    /** Names the records, never the person's values. */
    @Override
    public String toString() {
        return "ErasurePlan[erase "
                + erase
                + ", dependents "
                + dependents
                + ", redact "
                + redact.keySet()
                + ", openTicket "
                + openTicket
                + "]";
    }
}
