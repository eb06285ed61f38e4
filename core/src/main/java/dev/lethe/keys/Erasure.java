package dev.lethe.keys;

import java.time.Instant;

/**
 * The tombstone of an erased data subject: its key was destroyed at {@code erasedAt}.
 *
 * @param subjectId the erased subject ({@code contact:42})
 * @param erasedAt when its key was destroyed
 * @param requestId the erasure request it fulfilled
 * @param reason why it was erased
 */
public record Erasure(String subjectId, Instant erasedAt, String requestId, String reason) {}
