package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CaptureClockTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDebeziumKeyNamesTheContactsId() {
        assertThat(CaptureClock.entity(utf8("{\"id\":42}"))).hasValue(42);
    }

    @Test
    void aKeyWithoutAnIdOrNoKeyAtAllNamesNothing() {
        assertThat(CaptureClock.entity(null)).isEmpty();
        assertThat(CaptureClock.entity(utf8("{\"uuid\":\"a\"}"))).isEmpty();
        assertThat(CaptureClock.entity(utf8("not json"))).isEmpty();
        assertThat(CaptureClock.entity(utf8("{\"id\":\"x\"}"))).isEmpty();
    }
}
