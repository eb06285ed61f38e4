package dev.lethe.audit;

/** The kinds of {@link Problem} {@link AuditVerifier} reports. */
public enum ProblemKind {
    /** The entry's content does not hash to its stored hash. */
    MODIFIED,
    /** The entry's prevHash is not the hash of its entity's previous entry. */
    BROKEN_LINK,
    /** A logIndex or a seq of an entity's chain is absent. */
    MISSING,
    /** An entry that does not belong: a copy, or one of two entries claiming the same place. */
    INSERTED,
    /** An entry present but out of logIndex or seq order. */
    REORDERED,
    /** Two different entries claim the same seq of one entity. */
    FORKED,
    /** The Merkle root of the log's first treeSize entries is not the checkpoint's. */
    CHECKPOINT_MISMATCH,
    /** A checkpoint's signature is invalid or made with a key the verifier does not trust. */
    BAD_SIGNATURE,
    /** Checkpoints out of sequence, not chained by prevCheckpointHash, or a tree that shrank. */
    CHECKPOINT_CHAIN_BROKEN,
    /** The log is shorter than the latest checkpoint's treeSize. */
    TRUNCATED,
    /** An entry or checkpoint that cannot be encoded (unknown encoding version, bad field). */
    MALFORMED,
    /**
     * The log no longer extends a head verified before (a pinned or kept tree head): the head, or
     * entries or checkpoints it covered, are gone from the log of record.
     */
    ROLLED_BACK,
    /**
     * The log holds a different history than a head verified before: another checkpoint in the
     * pinned head's place, or a prefix that does not give its root (a fork).
     */
    HEAD_FORKED,
    /**
     * The log holds the pinned head's tree (same size and root) under another signature or key: the
     * history was re-signed.
     */
    RESIGNED
}
