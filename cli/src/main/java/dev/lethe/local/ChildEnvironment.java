package dev.lethe.local;

import java.util.Locale;
import java.util.Map;

/**
 * The environment of a component Lethe starts: what it inherits from the shell that ran {@code
 * ./lethe}, minus Lethe's secrets, plus what the component is given. A secret exported for one
 * component ({@code LETHE_POSTGRES_PASSWORD} for an external database, {@code
 * LETHE_SERVER_TOKEN_KEY}, …) must not reach every other process, where anyone who can read a
 * process's environment (its owner, a job's code on the TaskManager) would find it: each component
 * gets only the secrets it is given explicitly.
 */
final class ChildEnvironment {

    private ChildEnvironment() {}

    /**
     * Whether an inherited variable holds one of Lethe's secrets: a {@code LETHE_} variable whose
     * name says password, secret, token or key (not a directory holding keys).
     */
    static boolean isSecret(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (!n.startsWith("LETHE_") || n.endsWith("_DIR")) {
            return false; // a directory's name is not a secret (its files' modes guard them)
        }
        return n.contains("PASSWORD")
                || n.contains("SECRET")
                || n.contains("TOKEN")
                || n.endsWith("_KEY")
                || n.contains("_KEY_");
    }

    /**
     * Removes Lethe's secrets from {@code environment} (a process builder's, inherited from this
     * process), then adds {@code given}.
     */
    static void apply(Map<String, String> environment, Map<String, String> given) {
        environment.keySet().removeIf(ChildEnvironment::isSecret);
        environment.putAll(given);
    }
}
