package dev.lethe.jobs.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** The erasure wiring of the retention job: one round of the processor per tick. */
class ProcessErasuresTest {

    /** A processor that counts its rounds and closes, and fails the rounds it is told to. */
    static final class FakeProcessor implements ProcessErasures.Processor {
        final AtomicInteger rounds = new AtomicInteger();
        final List<Exception> failures = new ArrayList<>();
        boolean closed;

        @Override
        public void processPending() throws Exception {
            rounds.incrementAndGet();
            if (!failures.isEmpty()) {
                throw failures.remove(0);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static OneInputStreamOperatorTestHarness<Long, Long> harness(
            ProcessErasures.ProcessorFactory factory) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new StreamMap<>(new ProcessErasures(factory)));
    }

    private static List<Long> ticks(OneInputStreamOperatorTestHarness<Long, Long> h) {
        return h.extractOutputValues();
    }

    @Test
    void eachTickRunsOneRoundAndPassesTheTickOn() throws Exception {
        FakeProcessor processor = new FakeProcessor();
        try (var h = harness(() -> processor)) {
            h.open();
            assertThat(processor.rounds).hasValue(0);

            for (long tick = 1; tick <= 3; tick++) {
                h.processElement(new StreamRecord<>(tick));
            }

            assertThat(processor.rounds).hasValue(3);
            assertThat(ticks(h)).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void theProcessorIsOpenedWhereTheOperatorRunsAndClosedWithIt() throws Exception {
        FakeProcessor processor = new FakeProcessor();
        AtomicInteger opened = new AtomicInteger();
        var h =
                harness(
                        () -> {
                            opened.incrementAndGet();
                            return processor;
                        });
        assertThat(opened).as("opened before the operator opens").hasValue(0);
        h.open();
        assertThat(opened).hasValue(1);
        assertThat(processor.closed).isFalse();

        h.close();

        assertThat(processor.closed).isTrue();
    }

    @Test
    void aFailingRoundIsLoggedByItsKindWithoutItsMessageAndTheNextTickTriesAgain()
            throws Exception {
        FakeProcessor processor = new FakeProcessor();
        processor.failures.add(
                new SQLTransientConnectionException("connection to anna@example.eu refused"));
        List<String> warnings = new ArrayList<>();
        try (var capture = LogCapture.of(ProcessErasures.class, warnings);
                var h = harness(() -> processor)) {
            h.open();

            h.processElement(new StreamRecord<>(1L));
            h.processElement(new StreamRecord<>(2L));

            assertThat(ticks(h)).as("both ticks passed on").containsExactly(1L, 2L);
            assertThat(processor.rounds).as("the next tick tried again").hasValue(2);
            assertThat(warnings)
                    .containsExactly("erasure round failed: SQLTransientConnectionException");
            assertThat(String.join("\n", warnings)).doesNotContain("anna@example.eu");
        }
    }

    @Test
    void aProcessorThatCannotOpenFailsTheOperatorsStartAndClosingIsHarmless() throws Exception {
        var h =
                harness(
                        () -> {
                            throw new IllegalStateException("no key store");
                        });

        assertThatThrownBy(h::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no key store");
        h.close(); // nothing opened, nothing to close
    }

    /** Captures what one class logs at WARN and above, as formatted messages. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger;
        private final AbstractAppender appender;
        private final Level level;

        private LogCapture(Logger logger, AbstractAppender appender) {
            this.logger = logger;
            this.appender = appender;
            this.level = logger.getLevel();
        }

        static LogCapture of(Class<?> type, List<String> messages) {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            Logger logger = context.getLogger(type.getName());
            AbstractAppender appender =
                    new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
                        @Override
                        public void append(LogEvent event) {
                            if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                                synchronized (messages) {
                                    messages.add(event.getMessage().getFormattedMessage());
                                }
                            }
                        }
                    };
            appender.start();
            LogCapture capture = new LogCapture(logger, appender);
            logger.addAppender(appender);
            logger.setLevel(Level.WARN);
            return capture;
        }

        @Override
        public void close() {
            logger.removeAppender(appender);
            logger.setLevel(level);
            appender.stop();
        }
    }
}
