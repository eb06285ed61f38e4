package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

    private static String tid() throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
    }

    @Test
    void aLoweredThreadAndTheThreadsItStartsRunAtTheBackgroundNiceValueTheOthersDoNot()
            throws Exception {
        int before = BackgroundPriority.niceOf(tid());
        CompletableFuture<int[]> nices = new CompletableFuture<>();
        Thread background =
                new Thread(
                        () -> {
                            try {
                                assertThat(BackgroundPriority.lowerCurrentThread()).isEmpty();
                                int own = BackgroundPriority.niceOf(tid());
                                CompletableFuture<Integer> child = new CompletableFuture<>();
                                Thread c =
                                        new Thread(
                                                () -> {
                                                    try {
                                                        child.complete(
                                                                BackgroundPriority.niceOf(tid()));
                                                    } catch (Exception e) {
                                                        child.completeExceptionally(e);
                                                    }
                                                });
                                c.start();
                                nices.complete(new int[] {own, child.get()});
                            } catch (Throwable e) {
                                nices.completeExceptionally(e);
                            }
                        });
        background.start();
        int[] got = nices.get();
        assertThat(got[0]).isEqualTo(BackgroundPriority.NICE);
        assertThat(got[1]).isEqualTo(BackgroundPriority.NICE);
        // the caller, the process's other threads, are untouched
        assertThat(BackgroundPriority.niceOf(tid())).isEqualTo(before);
    }

    @Test
    void theCompilerThreadsAreLoweredAndOnlyThey() throws Exception {
        int mine = BackgroundPriority.niceOf(tid());
        assertThat(BackgroundPriority.lowerCompilerThreads()).isEmpty();
        List<Integer> compilers = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String comm = Files.readString(t.resolve("comm")).strip();
                if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                    compilers.add(BackgroundPriority.niceOf(t.getFileName().toString()));
                }
            }
        }
        assertThat(compilers).isNotEmpty().containsOnly(BackgroundPriority.NICE);
        assertThat(BackgroundPriority.niceOf(tid())).isEqualTo(mine);
    }
}
