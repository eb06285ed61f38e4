package dev.lethe.audit;

import java.util.List;

/**
 * What {@link AuditVerifier#verify} found: entry problems in log order, then checkpoint problems in
 * checkpoint order, then truncation. {@link #ok()} when there are none.
 *
 * @param entries entries read
 * @param checkpoints checkpoints read
 * @param checkpointsMatched checkpoints whose root matched the log and whose signature is valid
 * @param merkleRoot RFC 6962 root over all entries read (entry hashes recomputed from content)
 */
public record VerificationReport(
        long entries,
        long checkpoints,
        long checkpointsMatched,
        byte[] merkleRoot,
        List<Problem> problems) {

    public VerificationReport {
        problems = List.copyOf(problems);
        merkleRoot = merkleRoot.clone();
    }

    @Override
    public byte[] merkleRoot() {
        return merkleRoot.clone();
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public String merkleRootHex() {
        return Hex.of(merkleRoot);
    }

    /** A multi-line text for people: OK or one line per problem. */
    public String describe() {
        StringBuilder s =
                new StringBuilder()
                        .append(ok() ? "OK" : "FAILED")
                        .append(": ")
                        .append(entries)
                        .append(" entries, ")
                        .append(checkpoints)
                        .append(" checkpoints (")
                        .append(checkpointsMatched)
                        .append(" verified), root ")
                        .append(merkleRootHex());
        for (Problem problem : problems) {
            s.append('\n').append(problem);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
