package dev.lethe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackLogsOnFailureTest {

    @Test
    void printsTheEndOfALogAndAllOfAShortOne(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            lines.add("line " + i);
        }
        Path log = Files.write(dir.resolve("kafka.log"), lines);
        Path shortLog = Files.write(dir.resolve("flink.log"), List.of("only line"));

        assertThat(StackLogsOnFailure.tail(log))
                .hasSize(StackLogsOnFailure.TAIL_LINES)
                .startsWith("line 41")
                .endsWith("line 100");
        assertThat(StackLogsOnFailure.tail(shortLog)).containsExactly("only line");
    }

    @Test
    void readsALogThatIsNotUtf8Throughout(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("connect.log");
        byte[] text = "first\nhalf a character: ".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 1];
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[text.length] = (byte) 0xC3; // a two-byte sequence cut off
        Files.write(log, bytes);

        assertThat(StackLogsOnFailure.tail(log)).hasSize(2).startsWith("first");
    }
}
