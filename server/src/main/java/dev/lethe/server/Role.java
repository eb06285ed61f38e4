package dev.lethe.server;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a signed-in person may do, as scopes named {@code resource:action}. A role is a fixed set of
 * scopes; an endpoint names the one scope it needs.
 *
 * <ul>
 *   <li>{@link #DPO}: finds people, exports and erases their data, follows erasure requests
 *       (retries them, approves or rejects another DPO's under four-eyes) and purges, reads one
 *       subject's audit history with values and who has seen a subject's data.
 *   <li>{@link #AUDITOR}: the whole audit log with personal values masked, verification, proofs and
 *       the access log; never a search for a person or an export.
 *   <li>{@link #ADMIN}: users, the stack's status and dead letters, the catalog and retention
 *       policy in force; no personal data.
 * </ul>
 */
public enum Role {
    DPO(
            Scope.SUBJECTS_FIND,
            Scope.SUBJECTS_EXPORT,
            Scope.SUBJECTS_ACCESSES,
            Scope.ERASURE_REQUEST,
            Scope.ERASURE_PREVIEW,
            Scope.ERASURE_READ,
            Scope.ERASURE_RETRY,
            Scope.ERASURE_APPROVE,
            Scope.PURGES_READ,
            Scope.AUDIT_SUBJECT_VALUES),
    AUDITOR(
            Scope.AUDIT_READ,
            Scope.AUDIT_VERIFY,
            Scope.AUDIT_PROOFS,
            Scope.SUBJECTS_ACCESSES,
            Scope.PURGES_READ),
    ADMIN(Scope.USERS_MANAGE, Scope.STATUS_READ, Scope.CONFIG_READ);

    private final Set<String> scopes;

    Role(String... scopes) {
        this.scopes = Set.of(scopes);
    }

    /** The scopes this role grants. */
    public Set<String> scopes() {
        return scopes;
    }

    /** Its name as written in configuration, tokens and the API ({@code dpo}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code id} ({@code dpo}, {@code auditor}, {@code admin}), in any case. */
    public static Optional<Role> of(String id) {
        if (id == null) {
            return Optional.empty();
        }
        for (Role r : values()) {
            if (r.id().equalsIgnoreCase(id.trim())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The scopes endpoints ask for. */
    public static final class Scope {
        public static final String SUBJECTS_FIND = "subjects:find";
        public static final String SUBJECTS_EXPORT = "subjects:export";
        public static final String SUBJECTS_ACCESSES = "subjects:accesses";
        public static final String ERASURE_REQUEST = "erasure-requests:create";
        public static final String ERASURE_READ = "erasure-requests:read";
        public static final String ERASURE_PREVIEW = "erasure-requests:preview";
        public static final String ERASURE_RETRY = "erasure-requests:retry";
        public static final String ERASURE_APPROVE = "erasure-requests:approve";
        public static final String PURGES_READ = "purges:read";
        public static final String AUDIT_READ = "audit:read";
        public static final String AUDIT_SUBJECT_VALUES = "audit:read-subject-values";
        public static final String AUDIT_VERIFY = "audit:verify";
        public static final String AUDIT_PROOFS = "audit:proofs";
        public static final String USERS_MANAGE = "users:manage";
        public static final String STATUS_READ = "status:read";
        public static final String CONFIG_READ = "config:read";

        private Scope() {}
    }
}
