package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC bearer tokens against a locally generated JWKS served over HTTP, as an issuer publishes it:
 * a valid token maps its role claim to a role; a wrong issuer, audience, key, an expired token, no
 * role or two roles are refused.
 */
class OidcTokensTest {

    static final String ISSUER = "https://idp.example.test/realms/lethe";
    static RSAKey key;
    static RSAKey stranger;
    static HttpServer jwks;
    static OidcTokens oidc;

    @BeforeAll
    static void issuer() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext(
                "/jwks",
                ex -> {
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    ex.close();
                });
        jwks.start();
        oidc =
                new OidcTokens(
                        new OidcTokens.Settings(
                                ISSUER,
                                URI.create(
                                        "http://127.0.0.1:"
                                                + jwks.getAddress().getPort()
                                                + "/jwks"),
                                "lethe",
                                "roles"));
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    static String token(RSAKey signer, String issuer, String audience, Object roles, Instant exp)
            throws Exception {
        JWTClaimsSet.Builder c =
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience(audience)
                        .subject("dana@idp")
                        .issueTime(new Date())
                        .expirationTime(Date.from(exp));
        if (roles != null) {
            c.claim("roles", roles);
        }
        SignedJWT jwt =
                new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(),
                        c.build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    static Instant soon() {
        return Instant.now().plusSeconds(300);
    }

    @Test
    void aValidTokenOfTheIssuerGivesItsRole() throws Exception {
        assertThat(oidc.verify(token(key, ISSUER, "lethe", List.of("auditor", "offline"), soon())))
                .hasValueSatisfying(
                        p -> {
                            assertThat(p.role()).isEqualTo(Role.AUDITOR);
                            assertThat(p.name()).isEqualTo("dana@idp");
                            assertThat(p.issuer()).isEqualTo(ISSUER);
                        });
        assertThat(oidc.verify(token(key, ISSUER, "lethe", "dpo", soon())))
                .hasValueSatisfying(p -> assertThat(p.role()).isEqualTo(Role.DPO));
    }

    @Test
    void everythingElseIsRefused() throws Exception {
        assertThat(oidc.verify(token(stranger, ISSUER, "lethe", "dpo", soon()))).isEmpty();
        assertThat(oidc.verify(token(key, "https://other.test", "lethe", "dpo", soon()))).isEmpty();
        assertThat(oidc.verify(token(key, ISSUER, "another-api", "dpo", soon()))).isEmpty();
        assertThat(oidc.verify(token(key, ISSUER, "lethe", "dpo", Instant.now().minusSeconds(600))))
                .isEmpty();
        assertThat(oidc.verify(token(key, ISSUER, "lethe", null, soon()))).isEmpty();
        assertThat(oidc.verify(token(key, ISSUER, "lethe", List.of("dpo", "admin"), soon())))
                .isEmpty();
        assertThat(oidc.verify("not a token")).isEmpty();
    }
}
