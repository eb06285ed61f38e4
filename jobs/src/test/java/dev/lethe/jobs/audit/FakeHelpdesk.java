package dev.lethe.jobs.audit;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SocialHandleDetector;
import dev.lethe.keys.SubjectIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The helpdesk as the audit job's lookup sees it, in memory: tickets and their contact, contacts
 * and their identifiers. Counts identifier lookups so tests can see the cache of the caller.
 */
final class FakeHelpdesk implements SubjectLookup {

    private record Contact(long id, String email, String phone, String handle) {}

    private final Map<Long, Long> contactOfTicket = new HashMap<>();
    private final List<Contact> contacts = new ArrayList<>();

    /** Ticket {@code ticketId} belongs to contact {@code contactId}. */
    FakeHelpdesk ticket(long ticketId, long contactId) {
        contactOfTicket.put(ticketId, contactId);
        return this;
    }

    /** A contact with these identifiers as the helpdesk stores them (any may be null). */
    FakeHelpdesk contact(long id, String email, String phone, String handle) {
        contacts.add(new Contact(id, email, phone, handle));
        return this;
    }

    @Override
    public Optional<String> value(String table, String keyColumn, String keyValue, String column) {
        if (table.equals("tickets") && keyColumn.equals("id") && column.equals("contact_id")) {
            return Optional.ofNullable(contactOfTicket.get(Long.parseLong(keyValue)))
                    .map(String::valueOf);
        }
        return Optional.empty();
    }

    @Override
    public SortedSet<String> contactsIdentifiedBy(IdentifierKind kind, String normalizedValue) {
        SortedSet<String> found = new TreeSet<>();
        for (Contact c : contacts) {
            if (Objects.equals(normalizedValue, normalized(kind, c))) {
                found.add(SubjectIds.of(SubjectIds.CONTACT, Long.toString(c.id())));
            }
        }
        return found;
    }

    private static String normalized(IdentifierKind kind, Contact c) {
        switch (kind) {
            case EMAIL:
                return c.email() == null ? null : EmailDetector.normalize(c.email());
            case PHONE:
                return PhoneDetector.normalize(c.phone(), PhoneDetector.DEFAULT_REGIONS)
                        .orElse(null);
            case HANDLE:
                return c.handle() == null ? null : SocialHandleDetector.normalize(c.handle());
            default:
                return null;
        }
    }
}
