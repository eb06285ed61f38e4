package dev.lethe.cli;

import dev.lethe.local.StackOptions;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "login",
        description =
                "Signs in to Lethe's server and keeps the token for the commands that go through it"
                        + " (in <data-dir>/cli-token.json, readable by you only).",
        mixinStandardHelpOptions = true)
final class LoginCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(names = "--username", required = true, description = "Your Lethe user name.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
        String password;
        Console console = System.console();
        if (passwordStdin || console == null) {
            password =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                            .readLine();
        } else {
            char[] pw = console.readPassword("password for %s: ", username);
            password = pw == null ? null : new String(pw);
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("no password given");
        }
        java.time.Instant expires = new ServerClient(options.resolve()).login(username, password);
        System.out.println("signed in as " + username + " until " + expires);
        return 0;
    }
}
