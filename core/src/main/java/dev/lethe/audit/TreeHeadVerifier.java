package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import java.security.PublicKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the signatures of signed tree heads (the checkpoints topic's {@code AuditCheckpoint}s)
 * against the public keys the auditor trusts (never against the key a tree head carries: whoever
 * can rewrite the log could sign with a key of their own).
 */
public final class TreeHeadVerifier {

    /** The outcome of checking one checkpoint's signature. */
    public enum Outcome {
        VALID,
        /** signed by a key id the verifier was not given */
        UNKNOWN_KEY,
        /** the signature does not match the checkpoint's content and key */
        INVALID_SIGNATURE,
        /** the checkpoint cannot be encoded (unknown encoding version or missing field) */
        MALFORMED
    }

    private final Map<String, PublicKey> trustedKeys = new LinkedHashMap<>();

    public TreeHeadVerifier(Collection<PublicKey> trustedKeys) {
        for (PublicKey key : trustedKeys) {
            this.trustedKeys.put(SigningKeys.keyIdOf(key), key);
        }
    }

    public static TreeHeadVerifier trusting(PublicKey... keys) {
        return new TreeHeadVerifier(List.of(keys));
    }

    public Outcome check(AuditCheckpoint checkpoint) {
        PublicKey key = trustedKeys.get(checkpoint.getSigningKeyId());
        if (key == null) {
            return Outcome.UNKNOWN_KEY;
        }
        byte[] signed;
        try {
            signed = CanonicalEncoding.encode(checkpoint);
        } catch (IllegalArgumentException e) {
            return Outcome.MALFORMED;
        }
        if (checkpoint.getSignature() == null) {
            return Outcome.INVALID_SIGNATURE;
        }
        return TreeHeadSigner.verifies(key, signed, Hex.toArray(checkpoint.getSignature()))
                ? Outcome.VALID
                : Outcome.INVALID_SIGNATURE;
    }

    public boolean isValid(AuditCheckpoint checkpoint) {
        return check(checkpoint) == Outcome.VALID;
    }
}
