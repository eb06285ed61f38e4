package dev.lethe.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Users kept in a map, for tests of the HTTP layer ({@link JdbcUserStoreITCase} tests the real
 * one).
 */
final class InMemoryUsers implements UserStore {

    private final Map<String, Credentials> users = new TreeMap<>();

    @Override
    public synchronized Optional<Credentials> credentials(String name) {
        return Optional.ofNullable(users.get(name));
    }

    @Override
    public synchronized void add(String name, Role role, String passwordHash) {
        if (users.containsKey(name)) {
            throw new IllegalArgumentException("a user named " + name + " exists already");
        }
        Instant now = Instant.now();
        users.put(name, new Credentials(new User(name, role, false, now, now), passwordHash));
    }

    @Override
    public synchronized List<User> list() {
        List<User> out = new ArrayList<>();
        users.values().forEach(c -> out.add(c.user()));
        return out;
    }

    @Override
    public synchronized boolean disable(String name) {
        return replace(name, true, null);
    }

    @Override
    public synchronized boolean resetPassword(String name, String passwordHash) {
        return replace(name, false, passwordHash);
    }

    /** The user with {@code disabled} and, unless null, a new password hash set now. */
    private boolean replace(String name, boolean disabled, String passwordHash) {
        Credentials c = users.get(name);
        if (c == null) {
            return false;
        }
        User u = c.user();
        users.put(
                name,
                new Credentials(
                        new User(
                                u.name(),
                                u.role(),
                                disabled,
                                u.createdAt(),
                                passwordHash == null ? u.passwordSetAt() : Instant.now()),
                        passwordHash == null ? c.passwordHash() : passwordHash));
        return true;
    }
}
