package dev.lethe.keys;

import java.util.Base64;
import java.util.Map;

/**
 * The master key from an environment variable holding its 32 bytes in Base64 (e.g. {@code
 * LETHE_MASTER_KEY}, set from a secret manager). The key's id is its fingerprint ({@link
 * MasterKey#of(byte[])}) unless given.
 */
public final class EnvMasterKeySource implements MasterKeySource {

    /** The variable read by {@link #fromEnvironment()}. */
    public static final String DEFAULT_VARIABLE = "LETHE_MASTER_KEY";

    private final String variable;
    private final MasterKey key;

    /** The key in {@value #DEFAULT_VARIABLE} of this process's environment. */
    public static EnvMasterKeySource fromEnvironment() {
        return new EnvMasterKeySource(DEFAULT_VARIABLE, System.getenv(), null);
    }

    /** The key in {@code variable} of this process's environment. */
    public static EnvMasterKeySource fromEnvironment(String variable) {
        return new EnvMasterKeySource(variable, System.getenv(), null);
    }

    /**
     * The key in {@code variable} of {@code environment}.
     *
     * @param keyId the key's id, or null for its fingerprint
     * @throws IllegalStateException if the variable is unset, not Base64 or not 32 bytes (the
     *     message never repeats the value)
     */
    public EnvMasterKeySource(String variable, Map<String, String> environment, String keyId) {
        this.variable = variable;
        String encoded = environment.get(variable);
        if (encoded == null || encoded.isBlank()) {
            throw new IllegalStateException(
                    "environment variable " + variable + " with the Base64 master key is not set");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "environment variable " + variable + " is not valid Base64");
        }
        if (bytes.length != MasterKey.LENGTH_BYTES) {
            throw new IllegalStateException(
                    "environment variable "
                            + variable
                            + " must hold "
                            + MasterKey.LENGTH_BYTES
                            + " bytes in Base64, it holds "
                            + bytes.length);
        }
        this.key = keyId == null ? MasterKey.of(bytes) : MasterKey.of(keyId, bytes);
    }

    @Override
    public MasterKey current() {
        return key;
    }

    @Override
    public String toString() {
        return "EnvMasterKeySource[" + variable + ", " + key.id() + "]";
    }
}
