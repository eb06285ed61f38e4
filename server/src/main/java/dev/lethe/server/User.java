package dev.lethe.server;

import java.time.Instant;

/**
 * A local user as {@code ./lethe users list} shows it: never the password hash.
 *
 * @param passwordSetAt when the password was last set ({@code users add}, {@code users reset})
 */
public record User(
        String name, Role role, boolean disabled, Instant createdAt, Instant passwordSetAt) {

    /** A user name: 1 to 64 letters, digits, dot, dash, underscore, starting with a letter. */
    public static boolean isValidName(String name) {
        return name != null && name.matches("[A-Za-z][A-Za-z0-9._-]{0,63}");
    }
}
