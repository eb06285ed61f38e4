package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.ReceiptRelay;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** On each tick, publishes the outbox's new receipts (parallelism 1). Emits how many. */
public final class PublishReceipts extends RichMapFunction<Long, Integer> {

    private static final long serialVersionUID = 1L;

    /** Opens the relay where the operator runs. */
    public interface RelayFactory extends Serializable {
        Relay open() throws Exception;
    }

    /** What the operator calls on the relay: a {@link ReceiptRelay} in the job. */
    public interface Relay extends AutoCloseable {
        /** Publishes up to {@code max} unpublished receipts; returns how many. */
        int publishPending(int max) throws Exception;

        @Override
        void close();

        static Relay of(ReceiptRelay relay) {
            return new Relay() {
                @Override
                public int publishPending(int max) throws Exception {
                    return relay.publishPending(max);
                }

                @Override
                public void close() {
                    relay.close();
                }
            };
        }
    }

    /** The most receipts one call to the relay publishes; a full batch means more may wait. */
    static final int BATCH = 500;

    private final RelayFactory factory;
    private transient Relay relay;

    PublishReceipts(RelayFactory factory) {
        this.factory = factory;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        relay = factory.open();
    }

    @Override
    public Integer map(Long tick) throws Exception {
        int total = 0;
        int n;
        do {
            n = relay.publishPending(BATCH);
            total += n;
        } while (n == BATCH);
        return total;
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
