package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.ReceiptRelay;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** On each tick, publishes the outbox's new receipts (parallelism 1). Emits how many. */
final class PublishReceipts extends RichMapFunction<Long, Integer> {

    private static final long serialVersionUID = 1L;

    /** Opens the relay where the operator runs. */
    interface RelayFactory extends Serializable {
        ReceiptRelay open() throws Exception;
    }

    private final RelayFactory factory;
    private transient ReceiptRelay relay;

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
            n = relay.publishPending(500);
            total += n;
        } while (n == 500);
        return total;
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
