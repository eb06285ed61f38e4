package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.local.ComponentHealth;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        description = {
            "Shows each component's address and health.",
            "Exit code 0 when every component is healthy, 1 otherwise."
        },
        mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--json",
            description =
                    "Print one JSON object keyed by component (postgres, kafka, connect,"
                            + " elasticsearch, flink), each with address, health, healthy,"
                            + " managed, pid and detail.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.err);
        return print(new StackProbe(s, stack.pids()).all(), json, System.out);
    }

    static int print(List<ComponentHealth> all, boolean json, PrintStream out) throws Exception {
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            for (ComponentHealth h : all) {
                ObjectNode n = root.putObject(h.component());
                n.put("address", h.address());
                n.put("health", h.healthy() ? "healthy" : "unhealthy");
                n.put("healthy", h.healthy());
                n.put("managed", h.managed());
                if (h.pid() != null) {
                    n.put("pid", h.pid());
                } else {
                    n.putNull("pid");
                }
                n.put("detail", h.detail());
            }
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            out.printf("%-14s %-10s %-44s %s%n", "COMPONENT", "HEALTH", "ADDRESS", "DETAIL");
            for (ComponentHealth h : all) {
                out.printf(
                        "%-14s %-10s %-44s %s%s%n",
                        h.component(),
                        h.healthy() ? "healthy" : "UNHEALTHY",
                        h.address(),
                        h.detail(),
                        h.managed() ? "" : " (external)");
            }
        }
        return all.stream().allMatch(ComponentHealth::healthy) ? 0 : 1;
    }
}
