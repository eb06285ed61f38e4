package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The stack's health as Prometheus metrics (text exposition format 0.0.4), from the JSON of {@code
 * ./lethe status --json}: each component up or not, the audit monitor's last verified tree head,
 * its verifications and findings, its completeness check (changes checked, pending, gaps, doubles),
 * the transactions open and hanging on the log, and the dead letters of the last hour. Numbers
 * only: no value of any row, no finding's text.
 */
final class PrometheusMetrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusMetrics() {}

    static String of(JsonNode status) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP lethe_component_up Whether a component of the stack is healthy.\n")
                .append("# TYPE lethe_component_up gauge\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = status.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().has("healthy") && e.getKey().matches("[a-z][a-z0-9_-]*")) {
                out.append("lethe_component_up{component=\"")
                        .append(e.getKey())
                        .append("\"} ")
                        .append(e.getValue().path("healthy").asBoolean() ? 1 : 0)
                        .append('\n');
            }
        }
        JsonNode monitor = status.path("monitor");
        if (monitor.isObject()) {
            JsonNode v = monitor.path("verifiedThrough");
            gauge(
                    out,
                    "lethe_audit_monitor_attention",
                    "1 while the audit monitor's latest verification found a problem.",
                    "attention".equals(monitor.path("health").asText()) ? 1 : 0);
            gauge(
                    out,
                    "lethe_audit_monitor_verified_checkpoint_seq",
                    "The last signed tree head the audit monitor verified.",
                    v.path("checkpointSeq").asLong());
            gauge(
                    out,
                    "lethe_audit_monitor_verified_tree_size",
                    "The entries that tree head covers.",
                    v.path("treeSize").asLong());
            if (v.hasNonNull("at")) {
                gauge(
                        out,
                        "lethe_audit_monitor_verified_timestamp_seconds",
                        "When the audit monitor last verified a tree head (Unix time).",
                        Instant.parse(v.path("at").asText()).getEpochSecond());
            }
            counter(
                    out,
                    "lethe_audit_monitor_verifications_total",
                    "Verifications the audit monitor ran.",
                    monitor.path("verifications").asLong());
            counter(
                    out,
                    "lethe_audit_monitor_findings_total",
                    "Verifications of the audit monitor that found a problem.",
                    monitor.path("findings").asLong());
            JsonNode c = monitor.path("completeness");
            if (c.isObject()) {
                gauge(
                        out,
                        "lethe_audit_completeness_attention",
                        "1 while a change is missing from the audit log, or one was doubled, or a"
                                + " raw topic was read back below the completeness watermark"
                                + " (beyond what `audit reconcile --acknowledge` took on).",
                        "attention".equals(c.path("health").asText()) ? 1 : 0);
                gauge(
                        out,
                        "lethe_audit_completeness_checked_through",
                        "The logIndex the completeness check has checked the log through.",
                        c.path("checkedThrough").asLong());
                counter(
                        out,
                        "lethe_audit_completeness_checked_changes_total",
                        "Raw changes whose audit entry the completeness check found.",
                        c.path("checked").asLong());
                gauge(
                        out,
                        "lethe_audit_completeness_pending",
                        "Raw changes waiting for their audit entry.",
                        c.path("pending").asLong());
                counter(
                        out,
                        "lethe_audit_completeness_gaps_total",
                        "Raw changes without an audit entry past the bound.",
                        c.path("gaps").asLong());
                counter(
                        out,
                        "lethe_audit_completeness_doubles_total",
                        "Audit entries of a change already logged.",
                        c.path("doubles").asLong());
                counter(
                        out,
                        "lethe_audit_completeness_read_back_total",
                        "Raw topics or the log found below the completeness watermark.",
                        c.path("problems").asLong());
            }
            JsonNode t = monitor.path("transactions");
            if (t.isObject()) {
                gauge(
                        out,
                        "lethe_audit_hanging_transactions",
                        "Kafka transactions open on the audit log for longer than the bound: readers"
                                + " see nothing past the first one's start.",
                        t.path("hanging").size());
                gauge(
                        out,
                        "lethe_audit_open_transactions",
                        "Kafka transactions open on the audit log (one per transaction and"
                                + " partition).",
                        t.path("open").asLong());
            }
        }
        JsonNode dead = status.path("deadletters");
        if (dead.isObject()) {
            gauge(
                    out,
                    "lethe_deadletters_last_hour",
                    "Events the jobs could not process in the last hour.",
                    dead.path("lastHour").asLong());
        }
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", value);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", value);
    }

    private static void metric(
            StringBuilder out, String name, String help, String type, long value) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append('\n')
                .append("# TYPE ")
                .append(name)
                .append(' ')
                .append(type)
                .append('\n')
                .append(name)
                .append(' ')
                .append(value)
                .append('\n');
    }
}
