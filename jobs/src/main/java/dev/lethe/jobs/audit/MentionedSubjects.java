package dev.lethe.jobs.audit;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.Finding;
import dev.lethe.discovery.FreeTextScanner;
import dev.lethe.discovery.IbanDetector;
import dev.lethe.discovery.PaymentCardDetector;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SocialHandleDetector;
import dev.lethe.discovery.SubjectResolver;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The data subjects a free-text value names by an identifier: the people whose email address, phone
 * number or social handle it contains ({@code "please also call Bob at +49 30 1234567"} -> {@code
 * contact:17}). Found with the discovery detectors ({@link EmailDetector}, {@link PhoneDetector},
 * {@link SocialHandleDetector}; {@link IbanDetector} and {@link PaymentCardDetector} run too, only
 * so that their digits are not also read as phone numbers) and resolved as of the naming change's
 * LSN by {@link Holders} ({@link SubjectIdentifiers}, built from the changelog): a contact created
 * later in the log is not named, nor one whose row was deleted or whose address changed before.
 *
 * <p>Names are not resolved: a name alone is ambiguous (many contacts share a first or family name)
 * and the audit job has no context that says whose it is. Attributing it to the wrong person would
 * make the value unreadable on a stranger's erasure, and attributing it to all namesakes would do
 * so for every namesake; so a mentioned name stays protected only by the row's own subject (see
 * docs/audit-format.md).
 *
 * <p>An identifier that more than {@value #SHARED_BY} subjects held at that LSN (a company's
 * switchboard number, a team mailbox) identifies none of them: it is not resolved, and a value that
 * names it is protected by the row's own subject and whoever else it names.
 *
 * <p>Never logs or reports a value; not thread-safe (the scan cache).
 */
final class MentionedSubjects {

    /** More subjects than this sharing an identifier make it nobody's own. */
    static final int SHARED_BY = 16;

    /** How many texts' findings are remembered: a text is scanned once per drafting. */
    static final int SCAN_CACHE_SIZE = 256;

    /** Who held an identifier at a position of the log. */
    interface Holders {
        /**
         * The subjects that {@code normalizedValue} (as the discovery detectors normalize it)
         * identified at {@code lsn}, sorted; empty if none.
         */
        SortedSet<String> holders(IdentifierKind kind, String normalizedValue, long lsn);
    }

    /** An identifier found in a text: its kind and normalized value. */
    private record Identifier(IdentifierKind kind, String value) {}

    private final FreeTextScanner scanner;
    private final Holders holders;

    private final Map<String, List<Identifier>> scanned =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<Identifier>> eldest) {
                    return size() > SCAN_CACHE_SIZE;
                }
            };

    MentionedSubjects(Holders holders, List<String> phoneRegions) {
        this.holders = Objects.requireNonNull(holders, "holders");
        this.scanner =
                new FreeTextScanner(
                        List.of(
                                new EmailDetector(),
                                new IbanDetector(),
                                new PaymentCardDetector(),
                                new PhoneDetector(phoneRegions),
                                new SocialHandleDetector()));
    }

    /** Whether {@code text} contains an email address, phone number or handle at all. */
    boolean namesAnIdentifier(String text) {
        return !identifiers(text).isEmpty();
    }

    /**
     * The subjects {@code text} names by email, phone or handle as of {@code lsn}, sorted; empty
     * for null text.
     */
    SortedSet<String> in(String text, long lsn) {
        SortedSet<String> subjects = new TreeSet<>();
        for (Identifier id : identifiers(text)) {
            SortedSet<String> owners = holders.holders(id.kind(), id.value(), lsn);
            if (owners.size() <= SHARED_BY) {
                subjects.addAll(owners);
            }
        }
        return subjects;
    }

    /** The distinct identifiers in {@code text}, in order of appearance. */
    private List<Identifier> identifiers(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Identifier> cached = scanned.get(text);
        if (cached != null) {
            return cached;
        }
        Set<Identifier> found = new LinkedHashSet<>();
        for (Finding finding : scanner.scan(text)) {
            SubjectResolver.identifierKind(finding.kind())
                    .ifPresent(kind -> found.add(new Identifier(kind, finding.normalizedValue())));
        }
        List<Identifier> result = List.copyOf(found);
        scanned.put(text, result);
        return result;
    }
}
