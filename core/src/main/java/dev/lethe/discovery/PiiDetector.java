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
}
