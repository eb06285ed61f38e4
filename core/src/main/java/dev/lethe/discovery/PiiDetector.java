package dev.lethe.discovery;

import java.util.List;

/**
 * Finds one kind of personal data in free text. Implementations are thread-safe unless they say
 * otherwise, allocate nothing per call beyond their result, and never log the text or a value.
 */
public interface PiiDetector {

    /** A short stable name, stored with every finding (e.g. {@code email}, {@code phone}). */
    String name();

    /** Every match in {@code text}, in order of {@link Finding#start()}; empty for null text. */
    List<Finding> detect(String text);

    /**
     * As {@link #detect(String)}, for a text whose writer is known to live in {@code writerRegions}
     * (ISO 3166 regions, likeliest first): a detector whose reading depends on the region (a
     * nationally written phone number) reads in those first. The others ignore them.
     */
    default List<Finding> detect(String text, List<String> writerRegions) {
        return detect(text);
    }
}
