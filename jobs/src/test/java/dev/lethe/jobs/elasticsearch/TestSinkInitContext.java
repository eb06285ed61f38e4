package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.JobInfoImpl;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailboxImpl;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * A writer's init context for unit tests, after Flink's {@code TestSinkInitContext} of
 * flink-connector-base (whose test-jar the build does not have), with two things closer to a task:
 *
 * <ul>
 *   <li>a task thread of its own, the mailbox's thread: the test calls the writer on it ({@link
 *       #onTask}, {@link #onTaskAsync}) and meanwhile plays the Elasticsearch client's I/O thread
 *       and the timer thread, so a flush that yields to the mailbox can be watched while it waits;
 *   <li>processing time from Flink's {@link TestProcessingTimeService}, moved only by {@link
 *       #advanceTime}; a timer that fires becomes a mail, as in a task.
 * </ul>
 *
 * Metrics go to a {@link MetricListener}.
 */
final class TestSinkInitContext implements WriterInitContext, AutoCloseable {

    private static final long WAIT_SECONDS = 10;

    private final ExecutorService taskThread =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "test-sink-task"));
    private final Thread mailboxThread;
    private final TaskMailbox mailbox;
    private final MailboxExecutor mailboxExecutor;
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final List<Long> timers = new ArrayList<>(); // guarded by time
    private final MetricListener metrics = new MetricListener();
    private final SinkWriterMetricGroup metricGroup =
            MetricsGroupTestUtils.mockWriterMetricGroup(
                    metrics.getMetricGroup(),
                    // counting, unlike the no-op one of mockWriterMetricGroup(MetricGroup)
                    UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup()
                            .getIOMetricGroup());

    TestSinkInitContext() {
        mailboxThread = await(taskThread.submit(Thread::currentThread));
        mailbox = new TaskMailboxImpl(mailboxThread);
        mailboxExecutor =
                new MailboxExecutorImpl(
                        mailbox, TaskMailbox.MIN_PRIORITY, StreamTaskActionExecutor.IMMEDIATE);
        try {
            time.setCurrentTime(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code action} on the task thread, then every mail due, and returns when done. */
    void onTask(ThrowingRunnable<? extends Exception> action) throws Exception {
        try {
            onTaskAsync(action).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    /** Runs {@code action} and then every mail due on the task thread, without waiting. */
    Future<Void> onTaskAsync(ThrowingRunnable<? extends Exception> action) {
        return taskThread.submit(
                () -> {
                    action.run();
                    runMails();
                    return null;
                });
    }

    /** Runs the mails that came in since (answers, timers) on the task thread. */
    void runMails() throws Exception {
        if (Thread.currentThread() == mailboxThread) {
            while (mailboxExecutor.tryYield()) {}
        } else {
            onTask(() -> {});
        }
    }

    /** Moves processing time on by {@code millis}; timers due put their callback in the mailbox. */
    void advanceTime(long millis) throws Exception {
        synchronized (time) {
            time.setCurrentTime(time.getCurrentProcessingTime() + millis);
        }
    }

    long now() {
        synchronized (time) {
            return time.getCurrentProcessingTime();
        }
    }

    /** Waits until a timer for {@code timestamp} is registered (by the task thread). */
    void awaitTimerAt(long timestamp) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        synchronized (time) {
            while (!timers.contains(timestamp)) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("a timer at %d, have %s", timestamp, timers).isPositive();
                TimeUnit.NANOSECONDS.timedWait(time, left);
            }
        }
    }

    /** Timestamps of the timers registered so far, fired or not. */
    List<Long> timers() {
        synchronized (time) {
            return List.copyOf(timers);
        }
    }

    long counter(String name) {
        return metrics.getCounter(name).map(Counter::getCount).orElseThrow();
    }

    SinkWriterMetricGroup sinkMetrics() {
        return metricGroup;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        taskThread.shutdownNow();
    }

    @Override
    public MailboxExecutor getMailboxExecutor() {
        return mailboxExecutor;
    }

    @Override
    public ProcessingTimeService getProcessingTimeService() {
        return new ProcessingTimeService() {
            @Override
            public long getCurrentProcessingTime() {
                return now();
            }

            @Override
            public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback cb) {
                synchronized (time) {
                    timers.add(timestamp);
                    time.notifyAll();
                    return time.registerTimer(
                            timestamp,
                            t ->
                                    mailboxExecutor.execute(
                                            () -> cb.onProcessingTime(t), "timer at %d", t));
                }
            }
        };
    }

    @Override
    public SinkWriterMetricGroup metricGroup() {
        return metricGroup;
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
    }

    @Override
    public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isObjectReuseEnabled() {
        return false;
    }

    @Override
    public <IN> TypeSerializer<IN> createInputSerializer() {
        throw new UnsupportedOperationException();
    }

    @Override
    public OptionalLong getRestoredCheckpointId() {
        return OptionalLong.empty();
    }

    @Override
    public JobInfo getJobInfo() {
        return new JobInfoImpl(new JobID(), "test");
    }

    @Override
    public TaskInfo getTaskInfo() {
        return new TaskInfoImpl("test-sink", 1, 0, 1, 0);
    }
}
