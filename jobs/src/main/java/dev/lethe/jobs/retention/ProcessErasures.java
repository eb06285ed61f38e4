package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.ErasureProcessor;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On each tick, carries out the pending erasure requests of {@code lethe.erasure_requests}
 * (parallelism 1); passes the tick on. A failing round is logged by the processor and recorded on
 * the request, never fails the job.
 */
public final class ProcessErasures extends RichMapFunction<Long, Long> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProcessErasures.class);

    /** Opens the processor where the operator runs (key store, index, database). */
    public interface ProcessorFactory extends Serializable {
        Processor open() throws Exception;
    }

    /** What the operator calls on the processor: an {@link ErasureProcessor} in the job. */
    public interface Processor extends AutoCloseable {
        /** One round over the pending requests. */
        void processPending() throws Exception;

        static Processor of(ErasureProcessor processor) {
            return new Processor() {
                @Override
                public void processPending() throws Exception {
                    processor.processPending();
                }

                @Override
                public void close() throws Exception {
                    processor.close();
                }
            };
        }
    }

    private final ProcessorFactory factory;
    private transient Processor processor;

    ProcessErasures(ProcessorFactory factory) {
        this.factory = factory;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        processor = factory.open();
    }

    @Override
    public Long map(Long tick) throws Exception {
        try {
            processor.processPending();
        } catch (Exception e) {
            // the database may be briefly unreachable: the next tick tries again
            LOG.warn("erasure round failed: {}", e.getClass().getSimpleName());
        }
        return tick;
    }

    @Override
    public void close() throws Exception {
        if (processor != null) {
            processor.close();
        }
    }
}
