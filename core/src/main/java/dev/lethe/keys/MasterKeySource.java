package dev.lethe.keys;

import java.util.Optional;

/**
 * Where the master key comes from. New data keys are wrapped with {@link #current()}; a wrapped key
 * is unwrapped with the key of the id stored next to it ({@link #byId}), so a source that knows
 * older keys too supports rotation.
 */
public interface MasterKeySource {

    /** The key to wrap new data keys with. */
    MasterKey current();

    /** The key with this id, if this source has it. By default only the current key. */
    default Optional<MasterKey> byId(String keyId) {
        MasterKey current = current();
        return current.id().equals(keyId) ? Optional.of(current) : Optional.empty();
    }
}
