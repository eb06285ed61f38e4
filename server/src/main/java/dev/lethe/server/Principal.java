package dev.lethe.server;

/**
 * Who a request comes from, once its bearer token or session was verified.
 *
 * @param name the user name (local users) or the token's subject (OIDC)
 * @param role the role, which decides the scopes
 * @param issuer {@code lethe} for tokens this server issued, else the OIDC issuer
 */
public record Principal(String name, Role role, String issuer) {

    public boolean may(String scope) {
        return role.scopes().contains(scope);
    }
}
