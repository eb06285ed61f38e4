package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import dev.lethe.server.JdbcUserStore;
import dev.lethe.server.Passwords;
import dev.lethe.server.Role;
import dev.lethe.server.User;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "users",
        description =
                "Local users of Lethe's server (kept in the helpdesk database's lethe schema,"
                        + " passwords hashed with Argon2id).",
        mixinStandardHelpOptions = true,
        subcommands = {
            UsersCommand.Add.class,
            UsersCommand.ListUsers.class,
            UsersCommand.Disable.class,
            UsersCommand.Reset.class
        })
final class UsersCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static JdbcUserStore store(StackSettings s) throws Exception {
        return new JdbcUserStore(s.postgresDataSource("lethe-users")).ensureSchema();
    }

    /** A password from standard input (its first line), or a generated one shown once. */
    static Password password(boolean fromStdin) throws Exception {
        if (!fromStdin) {
            return new Password(Passwords.generate(), true);
        }
        String line =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        .readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException(
                    "--password-stdin: standard input held no password (echo PW | ./lethe users"
                            + " add NAME --role dpo --password-stdin)");
        }
        return new Password(line, false);
    }

    record Password(String value, boolean generated) {}

    static void checkName(String name) {
        if (!User.isValidName(name)) {
            throw new IllegalArgumentException(
                    "a user name is 1 to 64 letters, digits, '.', '-' or '_', starting with a"
                            + " letter");
        }
    }

    @Command(
            name = "add",
            description =
                    "Adds a user with a role; prints a generated password once unless"
                            + " --password-stdin gives one.",
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Mixin StackOptions options;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(
                names = "--role",
                required = true,
                description = "dpo, auditor or admin (what each may do: docs/operations.md).")
        String role;

        @Option(
                names = "--password-stdin",
                description = "Read the password from standard input (at least 12 characters).")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            checkName(name);
            Role r =
                    Role.of(role)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "--role must be dpo, auditor or admin, got '"
                                                            + role
                                                            + "'"));
            Password pw = password(passwordStdin);
            store(options.resolve()).add(name, r, new Passwords().hash(pw.value()));
            System.out.println("added " + name + " (" + r.id() + ")");
            if (pw.generated()) {
                System.out.println("password (shown once): " + pw.value());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the users.", mixinStandardHelpOptions = true)
    static final class ListUsers implements Callable<Integer> {
        @Mixin StackOptions options;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            java.util.List<User> users = store(options.resolve()).list();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ArrayNode a = m.createArrayNode();
                for (User u : users) {
                    a.addObject()
                            .put("name", u.name())
                            .put("role", u.role().id())
                            .put("disabled", u.disabled())
                            .put("createdAt", String.valueOf(u.createdAt()))
                            .put("passwordSetAt", String.valueOf(u.passwordSetAt()));
                }
                System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(a));
                return 0;
            }
            System.out.printf("%-24s %-8s %-9s %s%n", "NAME", "ROLE", "STATE", "PASSWORD SET");
            for (User u : users) {
                System.out.printf(
                        "%-24s %-8s %-9s %s%n",
                        u.name(),
                        u.role().id(),
                        u.disabled() ? "disabled" : "active",
                        u.passwordSetAt());
            }
            return 0;
        }
    }

    @Command(
            name = "disable",
            description =
                    "Disables a user: sign-in refused, tokens already issued refused at once.",
            mixinStandardHelpOptions = true)
    static final class Disable implements Callable<Integer> {
        @Mixin StackOptions options;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            if (!store(options.resolve()).disable(name)) {
                throw new IllegalArgumentException("no user named " + name);
            }
            System.out.println("disabled " + name);
            return 0;
        }
    }

    @Command(
            name = "reset",
            description =
                    "Sets a new password (generated and shown once, or from --password-stdin) and"
                            + " enables the user again.",
            mixinStandardHelpOptions = true)
    static final class Reset implements Callable<Integer> {
        @Mixin StackOptions options;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            Password pw = password(passwordStdin);
            if (!store(options.resolve()).resetPassword(name, new Passwords().hash(pw.value()))) {
                throw new IllegalArgumentException("no user named " + name);
            }
            System.out.println("reset " + name);
            if (pw.generated()) {
                System.out.println("password (shown once): " + pw.value());
            }
            return 0;
        }
    }
}
