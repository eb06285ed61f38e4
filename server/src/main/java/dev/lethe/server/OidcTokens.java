package dev.lethe.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens of an external OpenID Connect issuer (production): verified against the issuer's
 * JWKS (RS256, ES256, PS256; keys fetched and cached by Nimbus), its issuer and audience; the role
 * from a configured claim, a string or a list of strings. A token that names no role of Lethe's, or
 * more than one, is refused: a person acts in one role at a time.
 */
public final class OidcTokens {

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String issuer;
    private final String rolesClaim;

    /** The OIDC settings: issuer, JWKS address, expected audience, claim that holds the role. */
    public record Settings(String issuer, URI jwksUrl, String audience, String rolesClaim) {}

    public OidcTokens(Settings s) {
        this(s, jwks(s.jwksUrl()));
    }

    OidcTokens(Settings s, JWKSource<SecurityContext> keys) {
        this.issuer = s.issuer();
        this.rolesClaim = s.rolesClaim();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(
                        Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256), keys));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(
                        s.audience(),
                        new JWTClaimsSet.Builder().issuer(s.issuer()).build(),
                        new HashSet<>(List.of("sub", "exp", "iat"))));
    }

    private static JWKSource<SecurityContext> jwks(URI url) {
        try {
            return JWKSourceBuilder.create(url.toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("the OIDC JWKS address is not a URL: " + url);
        }
    }

    /** The principal of a valid token of the configured issuer with exactly one known role. */
    public Optional<Principal> verify(String token) {
        try {
            JWTClaimsSet c = processor.process(token, null);
            Object claim = c.getClaim(rolesClaim);
            Collection<?> values =
                    claim instanceof Collection<?> list
                            ? list
                            : claim == null ? List.of() : List.of(claim);
            Set<Role> roles = new HashSet<>();
            for (Object v : values) {
                if (v instanceof String str) {
                    Role.of(str).ifPresent(roles::add);
                }
            }
            if (roles.size() != 1 || c.getSubject() == null || c.getSubject().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new Principal(c.getSubject(), roles.iterator().next(), issuer));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
