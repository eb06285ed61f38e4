package dev.lethe.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a command prints: {@code System.out} and {@code System.err} captured (UTF-8) for each test
 * and put back after it. Register as {@code @RegisterExtension final CapturedOutput output = new
 * CapturedOutput();}.
 */
public final class CapturedOutput implements BeforeEachCallback, AfterEachCallback {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** What was printed to {@code System.out} since the test began or the last reset. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What was printed to {@code System.err} since the test began or the last reset. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    public void resetOut() {
        out.reset();
    }

    public void resetErr() {
        err.reset();
    }

    public void reset() {
        resetOut();
        resetErr();
    }
}
