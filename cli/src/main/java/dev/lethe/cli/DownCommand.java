package dev.lethe.cli;

import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "down",
        description = "Stops the local stack started from this data directory, keeping its data.",
        mixinStandardHelpOptions = true)
final class DownCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Override
    public Integer call() {
        LocalStack stack = new LocalStack(options.resolve(), System.out);
        stack.down();
        System.out.println("Lethe is stopped; its data stays in " + stack.settings().dataDir());
        return 0;
    }
}
