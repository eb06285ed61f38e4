package dev.lethe.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/** Lethe's server for the tests that talk to it over HTTP. */
final class TestServer {

    private TestServer() {}

    /**
     * A started server on a free port of 127.0.0.1: its local tokens signed with a random key and
     * living {@link LocalTokens#DEFAULT_TTL}, no OIDC.
     */
    static LetheServer start(UserStore users, Passwords passwords, Clock clock, Backend backend) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new LetheServer(
                        new LetheServer.Settings("127.0.0.1", 0, LocalTokens.DEFAULT_TTL),
                        users,
                        passwords,
                        new LocalTokens(key, LocalTokens.DEFAULT_TTL, clock),
                        Optional.empty(),
                        backend,
                        clock)
                .start();
    }

    /**
     * One user of each role, named after it ({@code dpo1}, ...), signing in with {@code password}.
     */
    static void addOnePerRole(InMemoryUsers users, Passwords passwords, String password) {
        for (Role r : Role.values()) {
            users.add(r.id() + "1", r, passwords.hash(password));
        }
    }
}
