package dev.lethe.cli;

import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.local.StackSettings;
import dev.lethe.server.AccessRecord;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The named direct path of the commands that read personal data or the audit log: {@code
 * --break-glass REASON} reads the stores with the stack's own credentials (only someone holding the
 * stack's secrets can), past Lethe's server, and is recorded first as an access like any other
 * ({@link AccessRecord#breakGlass}: the operating system's user, role {@value
 * AccessRecord#BREAK_GLASS}, the reason as purpose) on {@value AuditRequests#TOPIC}. Without it the
 * commands go through the server, signed in with {@code ./lethe login}.
 */
final class BreakGlass {

    @Option(
            names = "--break-glass",
            paramLabel = "REASON",
            description =
                    "Read the stores directly with the stack's secrets instead of going through"
                            + " Lethe's server (for admins, when the server cannot be used)."
                            + " Recorded in the audit log first, as an access by your OS user"
                            + " with role break-glass and REASON as purpose; refused if REASON"
                            + " holds an email, phone, IBAN, card number or handle.")
    String reason;

    /**
     * Whether this run reads the stores directly; checks the reason first (it is kept in the audit
     * log for good).
     */
    boolean on() {
        if (reason == null) {
            return false;
        }
        String why = reason.strip();
        if (why.isEmpty()) {
            throw new IllegalArgumentException(
                    "--break-glass needs a reason (a case or incident reference)");
        }
        if (why.length() > 200) {
            throw new IllegalArgumentException(
                    "--break-glass: the reason is longer than 200 characters");
        }
        PersonalDataInText.requireNone("--break-glass", why);
        return true;
    }

    /**
     * Who acts in a break-glass run, as recorded where a command keeps its author (e.g. an erasure
     * request's {@code requested_by}): {@code break-glass:<OS user>}, never a server user's name.
     */
    String who() {
        return AccessRecord.BREAK_GLASS + ":" + System.getProperty("user.name");
    }

    /** Throws unless {@code option} was left out or this run reads the stores directly. */
    void directOnly(String option, boolean given) {
        if (given && !on()) {
            throw new IllegalArgumentException(
                    option
                            + " reads the stores directly, past Lethe's server: add --break-glass"
                            + " REASON (recorded in the audit log), or leave it out");
        }
    }

    /**
     * Records the direct read in the audit log's input and returns once Kafka has it; throws (and
     * nothing is read) when it cannot be recorded.
     *
     * @param action what is read ({@code find}, {@code export}, {@code audit-log}, …)
     * @param subjectIds the subjects it touches, when known
     * @param queryKind the kind of term searched, or null
     */
    void record(
            StackSettings s, String action, List<String> subjectIds, int results, String queryKind)
            throws Exception {
        if (!on()) {
            throw new IllegalStateException("not a break-glass run");
        }
        String why = reason.strip();
        String user = System.getProperty("user.name");
        AccessRecord access =
                AccessRecord.breakGlass(
                        user, why, action, subjectIds, results, queryKind, Instant.now());
        try (AccessLog log = new AccessLog(s.kafkaClient())) {
            log.record(access);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "the break-glass read could not be recorded in "
                            + AuditRequests.TOPIC
                            + " ("
                            + e.getClass().getSimpleName()
                            + "), so nothing was read",
                    e);
        }
        System.err.println(
                "break-glass: recorded in the audit log as "
                        + user
                        + " ("
                        + AccessRecord.BREAK_GLASS
                        + "), "
                        + action);
    }
}
