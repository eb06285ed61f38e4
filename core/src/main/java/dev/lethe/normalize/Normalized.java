package dev.lethe.normalize;

import dev.lethe.events.Actor;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.SourcePosition;
import java.util.Objects;

/**
 * What {@link ChangeNormalizer} made of one raw Debezium record: a row change, the actor of a
 * transaction, a TRUNCATE of a known table, a migration of a table, or a rejection that belongs in
 * the dead-letter topic.
 */
public sealed interface Normalized
        permits Normalized.Change,
                Normalized.ActorMessage,
                Normalized.Truncate,
                Normalized.Migration,
                Normalized.Rejected {

    /** A committed change of one helpdesk row. Its {@code actor} is not set yet. */
    record Change(ChangeEvent event) implements Normalized {
        public Change {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * The {@code lethe.actor} logical-decoding message of transaction {@code txId}: who made the
     * transaction's changes and why. Join it to the {@link Change}s with the same {@code
     * source.txId}.
     */
    record ActorMessage(long txId, long lsn, Actor actor) implements Normalized {
        public ActorMessage {
            Objects.requireNonNull(actor, "actor");
        }
    }

    /**
     * A committed {@code TRUNCATE} of {@code table}, one the normalizer knows: every row of it is
     * gone, and no row event says so. {@code source} is the truncate event's position (its LSN,
     * transaction, commit time and raw record). A job that cannot act on it dead-letters {@link
     * #asRejected()}, as every job did before the audit job recorded truncates.
     */
    record Truncate(String table, SourcePosition source) implements Normalized {
        public Truncate {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(source, "source");
        }

        /** The rejection a job that does not act on truncates dead-letters ({@code TRUNCATE}). */
        public Rejected asRejected() {
            return new Rejected(
                    Rejected.TRUNCATE,
                    "table "
                            + table
                            + " was truncated (lsn "
                            + source.getLsn()
                            + (source.getTxId() != null ? ", txId " + source.getTxId() : "")
                            + "): every row is gone, no row events follow");
        }
    }

    /**
     * A migration of a helpdesk table (its {@code lethe.schema} message): what the command did to
     * the table, who ran it, at which LSN. Not a row change; a job that does not record migrations
     * ignores it.
     */
    record Migration(SchemaMigration migration) implements Normalized {
        public Migration {
            Objects.requireNonNull(migration, "migration");
        }
    }

    /**
     * An input that is not a usable change. {@code reason} is one of the constants below; {@code
     * detail} names tables, columns and positions, never values.
     */
    record Rejected(String reason, String detail) implements Normalized {
        /** The record key or value is not valid JSON. */
        public static final String MALFORMED_JSON = "MALFORMED_JSON";

        /** Valid JSON, but not a well-formed Debezium envelope (e.g. no source.lsn, no after). */
        public static final String MALFORMED_EVENT = "MALFORMED_EVENT";

        /** The envelope's op is none of c, u, d, r, t, m. */
        public static final String UNKNOWN_OP = "UNKNOWN_OP";

        /** A row change without a primary key in the record key (or with a null key column). */
        public static final String MISSING_KEY = "MISSING_KEY";

        /** A column holds Debezium's unavailable-value placeholder (an unchanged TOASTed value). */
        public static final String UNAVAILABLE_VALUE = "UNAVAILABLE_VALUE";

        /** An unknown table, or a row whose columns differ from the ones expected for its table. */
        public static final String SCHEMA_CHANGE = "SCHEMA_CHANGE";

        /** Not a row change: a tombstone, a heartbeat, a message with another prefix. */
        public static final String NOT_A_CHANGE = "NOT_A_CHANGE";

        /**
         * A TRUNCATE of a whole table: it has no rows, so it cannot become a ChangeEvent. The
         * normalizer returns it for a table it does not know; a known table's is a {@link
         * Truncate}, which a job that does not act on it dead-letters with this reason.
         */
        public static final String TRUNCATE = "TRUNCATE";

        /** A {@code lethe.actor} message that is not transactional or not a valid actor. */
        public static final String MALFORMED_ACTOR = "MALFORMED_ACTOR";

        /**
         * The change's values are larger than {@link ChangeNormalizer#MAX_EVENT_VALUE_BYTES}: it
         * came around the capture transformation's bound.
         */
        public static final String EVENT_TOO_LARGE = "EVENT_TOO_LARGE";

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
