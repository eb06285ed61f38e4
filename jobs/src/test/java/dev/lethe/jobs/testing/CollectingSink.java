package dev.lethe.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A sink that keeps what it is given in this JVM (the MiniCluster's), under a name of its own, in
 * arrival order per subtask. Each test makes its sinks with {@link #create}, reads them with {@link
 * #values} and drops them with {@link #clear}.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();

    private final String name;
    private final SerializableFunction<T, T> copy;

    private CollectingSink(String name, SerializableFunction<T, T> copy) {
        this.name = name;
        this.copy = copy;
    }

    /** A new, empty sink that keeps each element as {@code copy} makes it. */
    public static <T> CollectingSink<T> create(String what, SerializableFunction<T, T> copy) {
        String name = what + "-" + UUID.randomUUID();
        COLLECTED.put(name, new CopyOnWriteArrayList<>());
        return new CollectingSink<>(name, copy);
    }

    /** A new, empty sink that keeps the elements it is given. */
    public static <T> CollectingSink<T> create(String what) {
        return create(what, t -> t);
    }

    /** What the sink has been given so far. */
    @SuppressWarnings("unchecked")
    public List<T> values() {
        List<T> values = new ArrayList<>();
        for (Object o : COLLECTED.getOrDefault(name, List.of())) {
            values.add((T) o);
        }
        return values;
    }

    /** Waits up to {@code timeoutMillis} until {@code done} holds for {@link #values}. */
    public List<T> await(Predicate<List<T>> done, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        List<T> values = values();
        while (!done.test(values) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            values = values();
        }
        return values;
    }

    public void clear() {
        COLLECTED.remove(name);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> target = COLLECTED.get(name);
        if (target == null) {
            throw new IllegalStateException("sink " + name + " was cleared");
        }
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context c) {
                target.add(copy.apply(element));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
