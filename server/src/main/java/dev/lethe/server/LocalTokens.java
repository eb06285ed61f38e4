package dev.lethe.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * Short-lived bearer tokens this server issues at sign-in: JWTs signed with HMAC-SHA256 (Nimbus
 * JOSE+JWT) under a 256-bit key only the server reads; issuer {@value #ISSUER}, audience {@value
 * #AUDIENCE}, the user's name as subject and the role as claim {@value #ROLE_CLAIM}.
 */
public final class LocalTokens {

    public static final String ISSUER = "lethe";
    public static final String AUDIENCE = "lethe-api";
    public static final String ROLE_CLAIM = "role";

    /**
     * The claim that makes a token a console session's: the session's CSRF token, which unsafe
     * requests carrying the session cookie must repeat in a header. A bearer token never has it,
     * and a session token is not accepted as a bearer token.
     */
    public static final String CSRF_CLAIM = "csrf";

    /** How long a token is valid: short; the CLI gets the next one with its refresh token. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

    /**
     * The audience of a refresh token: it is never accepted where an access token is ({@value
     * #AUDIENCE}), only at {@code POST /token} with {@code grant_type=refresh_token}.
     */
    public static final String REFRESH_AUDIENCE = "lethe-refresh";

    /**
     * The claim that binds a refresh token to the password it was got with (when the password was
     * set, epoch ms): {@code users reset} ends every sign-in made before it.
     */
    public static final String PASSWORD_SET_CLAIM = "pwd_set";

    /** How long a sign-in lasts with refreshes: a working day; then the password again. */
    public static final Duration DEFAULT_SIGN_IN_TTL = Duration.ofHours(8);

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration ttl;
    private final Duration signInTtl;
    private final Clock clock;

    /** An issued token and its lifetime in seconds. */
    public record Issued(String token, long expiresIn) {}

    /**
     * A verified console session.
     *
     * @param csrf the CSRF token unsafe requests must carry in {@code X-CSRF-Token}
     * @param id the token's id ({@code jti}), to end the session at sign-out
     */
    public record Session(Principal who, String csrf, String id, Instant expiresAt) {}

    /**
     * A sign-in's refresh token, verified: its user, role, the password's time it is bound to, and
     * when the sign-in ends (the refresh tokens that follow keep it).
     */
    public record Refresh(String name, Role role, long passwordSetAtMillis, Instant signInEnds) {}

    public LocalTokens(byte[] key, Duration ttl, Clock clock) {
        this(key, ttl, DEFAULT_SIGN_IN_TTL, clock);
    }

    /**
     * @param ttl an access token's lifetime
     * @param signInTtl how long a sign-in may be refreshed, from the password on
     */
    public LocalTokens(byte[] key, Duration ttl, Duration signInTtl, Clock clock) {
        if (signInTtl.compareTo(ttl) < 0) {
            throw new IllegalArgumentException("a sign-in cannot end before its first token");
        }
        this.signInTtl = signInTtl;
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("the token key needs at least 256 bits");
        }
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token key: " + e.getMessage());
        }
        this.ttl = ttl;
        this.clock = clock;
    }

    public Issued issue(User user) {
        return sign(user.name(), user.role(), null);
    }

    /**
     * The refresh token of a sign-in with the password: valid for the sign-in's lifetime, bound to
     * the user's current password.
     */
    public Issued issueRefresh(User user) {
        return refresh(user, clock.instant().plus(signInTtl));
    }

    /**
     * The next refresh token of a sign-in: the same end ({@link Refresh#signInEnds}), so that
     * refreshing never makes a sign-in last longer than the password's.
     */
    public Issued issueRefresh(User user, Instant signInEnds) {
        return refresh(user, signInEnds);
    }

    private Issued refresh(User user, Instant ends) {
        Instant now = clock.instant();
        JWTClaimsSet claims =
                new JWTClaimsSet.Builder()
                        .issuer(ISSUER)
                        .audience(REFRESH_AUDIENCE)
                        .subject(user.name())
                        .claim(ROLE_CLAIM, user.role().id())
                        .claim(PASSWORD_SET_CLAIM, user.passwordSetAt().toEpochMilli())
                        .issueTime(Date.from(now))
                        .notBeforeTime(Date.from(now))
                        .expirationTime(Date.from(ends))
                        .jwtID(UUID.randomUUID().toString())
                        .build();
        return new Issued(signed(claims), Math.max(0, Duration.between(now, ends).toSeconds()));
    }

    /** The refresh token's sign-in if it is one this server issued and it has not ended. */
    public Optional<Refresh> verifyRefresh(String token) {
        return claims(token, REFRESH_AUDIENCE)
                .flatMap(
                        c -> {
                            try {
                                Long pwd = c.getLongClaim(PASSWORD_SET_CLAIM);
                                if (pwd == null) {
                                    return Optional.empty();
                                }
                                return principal(c)
                                        .map(
                                                p ->
                                                        new Refresh(
                                                                p.name(),
                                                                p.role(),
                                                                pwd,
                                                                c.getExpirationTime().toInstant()));
                            } catch (ParseException e) {
                                return Optional.empty();
                            }
                        });
    }

    /**
     * A console session's token: the same lifetime and signature as a bearer token, plus the
     * session's CSRF token as claim {@value #CSRF_CLAIM}.
     */
    public Issued issueSession(String name, Role role, String csrf) {
        if (csrf == null || csrf.length() < 22) {
            throw new IllegalArgumentException("a session needs a random CSRF token");
        }
        return sign(name, role, csrf);
    }

    /** A fresh random CSRF token (256 bits, URL-safe Base64). */
    public static String newCsrfToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Issued sign(String name, Role role, String csrf) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder b =
                new JWTClaimsSet.Builder()
                        .issuer(ISSUER)
                        .audience(AUDIENCE)
                        .subject(name)
                        .claim(ROLE_CLAIM, role.id())
                        .issueTime(Date.from(now))
                        .notBeforeTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(ttl)))
                        .jwtID(UUID.randomUUID().toString());
        if (csrf != null) {
            b.claim(CSRF_CLAIM, csrf);
        }
        return new Issued(signed(b.build()), ttl.toSeconds());
    }

    private String signed(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /**
     * The principal of a token this server issued and that is still valid, or empty (a token of
     * another issuer, a bad signature, expired, not yet valid, malformed).
     */
    public Optional<Principal> verify(String token) {
        return claims(token, AUDIENCE)
                .filter(c -> c.getClaim(CSRF_CLAIM) == null)
                .flatMap(LocalTokens::principal);
    }

    /** The session of a console session's token still valid, or empty (any other token). */
    public Optional<Session> verifySession(String token) {
        return claims(token, AUDIENCE)
                .flatMap(
                        c -> {
                            Object csrf = c.getClaim(CSRF_CLAIM);
                            if (!(csrf instanceof String s) || c.getJWTID() == null) {
                                return Optional.empty();
                            }
                            return principal(c)
                                    .map(
                                            p ->
                                                    new Session(
                                                            p,
                                                            s,
                                                            c.getJWTID(),
                                                            c.getExpirationTime().toInstant()));
                        });
    }

    /** How long a token lives. */
    public Duration ttl() {
        return ttl;
    }

    private static Optional<Principal> principal(JWTClaimsSet c) {
        try {
            return Role.of(c.getStringClaim(ROLE_CLAIM))
                    .filter(r -> User.isValidName(c.getSubject()))
                    .map(r -> new Principal(c.getSubject(), r, ISSUER));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    /** The claims of a token signed here for {@code audience} and valid now. */
    private Optional<JWTClaimsSet> claims(String token, String audience) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (!ISSUER.equals(c.getIssuer())
                    || c.getAudience() == null
                    || !c.getAudience().equals(java.util.List.of(audience))
                    || c.getExpirationTime() == null
                    || !now.isBefore(c.getExpirationTime().toInstant())
                    || (c.getNotBeforeTime() != null
                            && now.plusSeconds(5).isBefore(c.getNotBeforeTime().toInstant()))) {
                return Optional.empty();
            }
            return Optional.of(c);
        } catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }

    /** Whether a token names this server as its issuer (without verifying it). */
    static boolean issuedHere(String token) {
        try {
            return ISSUER.equals(SignedJWT.parse(token).getJWTClaimsSet().getIssuer());
        } catch (ParseException e) {
            return false;
        }
    }
}
