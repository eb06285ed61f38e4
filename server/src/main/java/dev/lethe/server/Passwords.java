package dev.lethe.server;

import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Password hashing with Argon2id (Spring Security's encoder over Bouncy Castle; PHC string format,
 * salt and parameters inside the hash), and one-time passwords for new users.
 */
public final class Passwords {

    /** Passwords shorter than this are refused. */
    public static final int MIN_LENGTH = 12;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Argon2PasswordEncoder encoder;

    /** The parameters Spring Security recommends since 5.8 (m=16 MiB, t=2, p=1). */
    public Passwords() {
        this(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8());
    }

    Passwords(Argon2PasswordEncoder encoder) {
        this.encoder = encoder;
    }

    public String hash(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "a password needs at least " + MIN_LENGTH + " characters");
        }
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        return password != null && hash != null && encoder.matches(password, hash);
    }

    /**
     * A hash that matches no password, checked when a user does not exist so that a failed sign-in
     * takes as long whether or not the name exists.
     */
    public String decoy() {
        return encoder.encode(generate());
    }

    /** A random one-time password: 24 characters of URL-safe Base64 (144 bits). */
    public static String generate() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
