package dev.lethe.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Lethe's server on a backend a test gives, with users in memory (the server's test-jar): for the
 * command line's unit tests, a real HTTP server without a stack. Users {@code dpo1}, {@code
 * auditor1} and {@code admin1}, each with {@link #PASSWORD}.
 */
public final class TestServers {

    public static final String PASSWORD = "correct horse battery";

    private TestServers() {}

    /** Starts a server on a free loopback port; close it after the test. */
    public static LetheServer start(Backend backend) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Passwords passwords = new Passwords();
        InMemoryUsers users = new InMemoryUsers();
        for (Role r : Role.values()) {
            users.add(r.id() + "1", r, passwords.hash(PASSWORD));
        }
        return new LetheServer(
                        new LetheServer.Settings("127.0.0.1", 0, LocalTokens.DEFAULT_TTL),
                        users,
                        passwords,
                        new LocalTokens(key, LocalTokens.DEFAULT_TTL, Clock.systemUTC()),
                        Optional.empty(),
                        backend,
                        Clock.systemUTC())
                .start();
    }
}
