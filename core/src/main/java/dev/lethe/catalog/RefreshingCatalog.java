package dev.lethe.catalog;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The catalog file with the run-time classifications ({@link ColumnClassifications}) applied, read
 * again at most every {@code interval} so that a column classified while a job runs applies from
 * its next changes on, without a restart. Reading is the caller's {@link Loader} (a query of the
 * helpdesk database); a failed read keeps the last catalog (the unclassified treatment is the safe
 * one: encrypted and scanned) and is tried again at the next interval.
 *
 * <p>Not thread-safe: one per operator instance, called from its processing thread.
 */
public final class RefreshingCatalog {

    /** Reads the current classifications. */
    @FunctionalInterface
    public interface Loader {
        List<ColumnClassification> load() throws Exception;
    }

    private final PersonalDataCatalog file;
    private final Loader loader;
    private final long intervalNanos;
    private final LongSupplier nanoTime;

    private PersonalDataCatalog current;
    private List<ColumnClassification> applied = List.of();
    private long readAt;
    private boolean read;
    private long version;
    private Exception lastFailure;

    public RefreshingCatalog(PersonalDataCatalog file, Loader loader, long intervalMillis) {
        this(file, loader, intervalMillis, System::nanoTime);
    }

    RefreshingCatalog(
            PersonalDataCatalog file, Loader loader, long intervalMillis, LongSupplier nanoTime) {
        this.file = Objects.requireNonNull(file, "file");
        this.loader = Objects.requireNonNull(loader, "loader");
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("interval must not be negative");
        }
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoTime = nanoTime;
        this.current = file;
    }

    /** A catalog that never changes (no database to read classifications from). */
    public static RefreshingCatalog fixed(PersonalDataCatalog file) {
        return new RefreshingCatalog(file, List::of, Long.MAX_VALUE / 1_000_000L);
    }

    /**
     * Reads the classifications again if the interval has passed; true if the catalog changed
     * (callers then rebuild what they derived from it).
     */
    public boolean refresh() {
        long now = nanoTime.getAsLong();
        if (read && now - readAt < intervalNanos) {
            return false;
        }
        read = true;
        readAt = now;
        List<ColumnClassification> latest;
        try {
            latest = List.copyOf(loader.load());
            lastFailure = null;
        } catch (Exception e) {
            lastFailure = e;
            return false;
        }
        if (latest.equals(applied)) {
            return false;
        }
        PersonalDataCatalog next = file.withClassifications(latest);
        applied = latest;
        if (next == current) {
            return false;
        }
        current = next;
        version++;
        return true;
    }

    /** The catalog as of the last read. */
    public PersonalDataCatalog current() {
        return current;
    }

    /** How many times the catalog changed since this instance was made. */
    public long version() {
        return version;
    }

    /** The failure of the last read, if it failed (for a log line naming its class). */
    public Exception lastFailure() {
        return lastFailure;
    }
}
