package dev.lethe.cli;

import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import dev.lethe.server.LetheServer;
import dev.lethe.server.LocalTokens;
import dev.lethe.server.OidcTokens;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "server",
        description = {
            "Runs Lethe's server: the REST API under /api/v1 (OpenAPI at /api/v1/openapi.json) for"
                    + " DPOs, auditors and admins, with sign-in, roles and every read of personal"
                    + " data recorded in the audit log.",
            "./lethe up starts it; run it alone to serve a stack that runs elsewhere."
        },
        mixinStandardHelpOptions = true)
final class ServerCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--token-ttl",
            converter = DurationConverter.class,
            description = "How long a token from POST /api/v1/token is valid (default 15m).")
    Duration tokenTtl = LocalTokens.DEFAULT_TTL;

    @Option(
            names = "--sign-in-ttl",
            converter = DurationConverter.class,
            description =
                    "How long a sign-in with the password lasts: its refresh token gets the next"
                            + " access token until then (default 8h; at least --token-ttl, at most"
                            + " 7d).")
    Duration signInTtl = LocalTokens.DEFAULT_SIGN_IN_TTL;

    @Option(
            names = "--oidc-issuer",
            description =
                    "Also accept bearer tokens of this OpenID Connect issuer (its iss claim); needs"
                            + " --oidc-jwks-url.")
    String oidcIssuer;

    @Option(names = "--oidc-jwks-url", description = "The issuer's JWKS address (https://…/jwks).")
    URI oidcJwksUrl;

    @Option(
            names = "--oidc-audience",
            description = "The audience Lethe's tokens carry (default ${DEFAULT-VALUE}).")
    String oidcAudience = "lethe";

    @Option(
            names = "--oidc-roles-claim",
            description =
                    "The claim that holds the role: dpo, auditor or admin (default ${DEFAULT-VALUE}).")
    String oidcRolesClaim = "roles";

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        if ((oidcIssuer == null) != (oidcJwksUrl == null)) {
            throw new IllegalArgumentException(
                    "--oidc-issuer and --oidc-jwks-url go together: give both or neither");
        }
        if (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.toHours() > 12) {
            throw new IllegalArgumentException(
                    "--token-ttl must be between 1s and 12h, got " + tokenTtl);
        }
        if (signInTtl.compareTo(tokenTtl) < 0 || signInTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException(
                    "--sign-in-ttl must be between --token-ttl ("
                            + tokenTtl
                            + ") and 7d, got "
                            + signInTtl);
        }
        Optional<OidcTokens> oidc =
                oidcIssuer == null
                        ? Optional.empty()
                        : Optional.of(
                                new OidcTokens(
                                        new OidcTokens.Settings(
                                                oidcIssuer,
                                                oidcJwksUrl,
                                                oidcAudience,
                                                oidcRolesClaim)));
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalServer server = LocalServer.start(s, s.serverPort(), tokenTtl, signInTtl, oidc)) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(stopped::countDown, "lethe-server-stop"));
            System.out.println("Lethe server on " + s.serverUrl() + LetheServer.API);
            stopped.await();
        }
        return 0;
    }
}
