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
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The data subjects a free-text value names by an identifier: the contacts whose email address,
 * phone number or social handle it contains ({@code "please also call Bob at +49 30 1234567"} ->
 * {@code contact:17}). Found with the discovery detectors ({@link EmailDetector}, {@link
 * PhoneDetector}, {@link SocialHandleDetector}; {@link IbanDetector} and {@link
 * PaymentCardDetector} run too, only so that their digits are not also read as phone numbers) and
 * resolved to contacts by {@link SubjectLookup#contactsIdentifiedBy}.
 *
 * <p>Names are not resolved: a name alone is ambiguous (many contacts share a first or family name)
 * and the audit job has no context that says whose it is. Attributing it to the wrong person would
 * make the value unreadable on a stranger's erasure, and attributing it to all namesakes would do
 * so for every namesake; so a mentioned name stays protected only by the row's own subject (see
 * docs/audit-format.md).
 *
 * <p>An identifier that more than {@value #SHARED_BY} contacts have (a company's switchboard
 * number, a team mailbox) identifies none of them: it is not resolved, and a value that names it is
 * protected by the row's own subject and whoever else it names.
 *
 * <p>Never logs or reports a value; not thread-safe (the lookup's cache).
 */
final class MentionedSubjects {

    /** More contacts than this sharing an identifier make it nobody's own. */
    static final int SHARED_BY = 16;

    private final FreeTextScanner scanner;
    private final SubjectLookup lookup;

    MentionedSubjects(SubjectLookup lookup, List<String> phoneRegions) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.scanner =
                new FreeTextScanner(
                        List.of(
                                new EmailDetector(),
                                new IbanDetector(),
                                new PaymentCardDetector(),
                                new PhoneDetector(phoneRegions),
                                new SocialHandleDetector()));
    }

    /** The contacts {@code text} names by email, phone or handle, sorted; empty for null text. */
    SortedSet<String> in(String text) {
        SortedSet<String> subjects = new TreeSet<>();
        if (text == null || text.isBlank()) {
            return subjects;
        }
        Set<String> looked = new HashSet<>();
        for (Finding finding : scanner.scan(text)) {
            Optional<IdentifierKind> kind = SubjectResolver.identifierKind(finding.kind());
            if (kind.isEmpty() || !looked.add(kind.get() + ":" + finding.normalizedValue())) {
                continue;
            }
            SortedSet<String> owners =
                    lookup.contactsIdentifiedBy(kind.get(), finding.normalizedValue());
            if (owners.size() <= SHARED_BY) {
                subjects.addAll(owners);
            }
        }
        return subjects;
    }
}
