package dev.lethe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./lethe audit}: the tamper-evident audit log, for auditors. {@code log} shows entries,
 * {@code verify} checks the whole log of record and its index copy, {@code prove} prints inclusion
 * and consistency proofs, {@code check-proof} checks a proof offline, {@code keys} sets up the
 * signing key and the keys an auditor pinned.
 */
@Command(
        name = "audit",
        description = {
            "The tamper-evident audit log: show (log), check (verify), prove (prove, check-proof);"
                    + " its signing key and the keys you trust (keys).",
            "Format and independent verification: docs/audit-format.md."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            AuditLogCommand.class,
            AuditVerifyCommand.class,
            AuditReconcileCommand.class,
            AuditProveCommand.class,
            AuditCheckProofCommand.class,
            AuditKeysCommand.class
        })
final class AuditCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
