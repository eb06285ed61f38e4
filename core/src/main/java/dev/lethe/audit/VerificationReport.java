package dev.lethe.audit;

import java.util.List;

/**
 * What {@link AuditVerifier#verify} found: entry problems in log order, then checkpoint problems in
 * checkpoint order, then truncation. {@link #ok()} when there are none.
 *
 * @param entries entries read
 * @param checkpoints checkpoints read
 * @param checkpointsMatched checkpoints whose root matched the log and whose signature is valid
 * @param merkleRoot RFC 6962 root over all entries read (entry hashes recomputed from content), and
 *     for {@link AuditVerifier#verifyFrom} the entries before the head it started from
 * @param verifiedHead when there are no problems: the state at the latest signed tree head, from
 *     which a later verification can start ({@link AuditVerifier#verifyFrom}); else null
 */
public record VerificationReport(
        long entries,
        long checkpoints,
        long checkpointsMatched,
        byte[] merkleRoot,
        List<Problem> problems,
        VerifiedHead verifiedHead) {

    public VerificationReport {
        problems = List.copyOf(problems);
        merkleRoot = merkleRoot.clone();
        if (!problems.isEmpty()) {
            verifiedHead = null;
        }
    }

    /** A report without a head to continue from. */
    public VerificationReport(
            long entries,
            long checkpoints,
            long checkpointsMatched,
            byte[] merkleRoot,
            List<Problem> problems) {
        this(entries, checkpoints, checkpointsMatched, merkleRoot, problems, null);
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
