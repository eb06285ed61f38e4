package dev.lethe.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits failed sign-ins: after {@code maxFailures} failures within {@code window} for the same
 * user name, or from the same address, further attempts for it are refused (HTTP 429) until the
 * oldest failure leaves the window. A success clears the name's failures, not the address's.
 */
public final class LoginThrottle {

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    public LoginThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** How long the caller must wait before trying again, or empty when it may try now. */
    public synchronized Optional<Duration> retryAfter(String name, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : keys(name, address)) {
            Deque<Instant> f = trimmed(key, now);
            if (f != null && f.size() >= maxFailures) {
                Duration d = Duration.between(now, f.peekFirst().plus(window));
                if (d.compareTo(wait) > 0) {
                    wait = d;
                }
            }
        }
        return wait.isZero() || wait.isNegative() ? Optional.empty() : Optional.of(wait);
    }

    public synchronized void failed(String name, String address) {
        Instant now = clock.instant();
        for (String key : keys(name, address)) {
            failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
            trimmed(key, now);
        }
    }

    public synchronized void succeeded(String name) {
        failures.remove("user:" + name);
    }

    private Deque<Instant> trimmed(String key, Instant now) {
        Deque<Instant> f = failures.get(key);
        if (f == null) {
            return null;
        }
        while (!f.isEmpty() && !f.peekFirst().plus(window).isAfter(now)) {
            f.removeFirst();
        }
        // never more than the limit kept per key: memory stays bounded under a flood
        while (f.size() > maxFailures) {
            f.removeFirst();
        }
        if (f.isEmpty()) {
            failures.remove(key);
            return null;
        }
        return f;
    }

    private static String[] keys(String name, String address) {
        return new String[] {"user:" + name, "address:" + address};
    }
}
