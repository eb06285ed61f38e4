package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.at;
import static dev.lethe.jobs.audit.AuditTestData.contactInserted;
import static dev.lethe.jobs.audit.AuditTestData.contactRow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubjectIdentifiersTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    private final SubjectIdentifiers directory =
            new SubjectIdentifiers(CATALOG, PhoneDetector.DEFAULT_REGIONS);

    @Test
    void anIdentifierIsHeldFromTheChangeThatSetItUntilTheChangeThatRemovedIt() {
        directory.apply(at(contactInserted(17, "Bob@Example.com", null), 10, T0 + 10));
        directory.apply(
                at(
                        AuditTestData.change(
                                "contacts",
                                17,
                                Operation.UPDATE,
                                contactRow(17, "Bob@Example.com", null),
                                contactRow(17, "bob@new.example", null)),
                        20,
                        T0 + 20));
        directory.apply(
                at(
                        AuditTestData.change(
                                "contacts",
                                17,
                                Operation.DELETE,
                                contactRow(17, "bob@new.example", null),
                                null),
                        30,
                        T0 + 30));

        assertThat(email("bob@example.com", 9)).isEmpty(); // created later in the log
        assertThat(email("bob@example.com", 10)).containsExactly("contact:17");
        assertThat(email("bob@example.com", 19)).containsExactly("contact:17");
        assertThat(email("bob@example.com", 20)).isEmpty(); // changed before
        assertThat(email("bob@new.example", 25)).containsExactly("contact:17");
        assertThat(email("bob@new.example", 30)).isEmpty(); // deleted before
    }

    @Test
    void aSoftDeletedContactStillHoldsItsIdentifiers() {
        Map<String, String> row = contactRow(17, "bob@example.com", null);
        directory.apply(
                at(AuditTestData.change("contacts", 17, Operation.INSERT, null, row), 10, T0));
        Map<String, String> softDeleted = new java.util.LinkedHashMap<>(row);
        softDeleted.put("deleted_at", "1740823300000");
        directory.apply(
                at(
                        AuditTestData.change("contacts", 17, Operation.UPDATE, row, softDeleted),
                        20,
                        T0));

        assertThat(email("bob@example.com", 25)).containsExactly("contact:17");
    }

    @Test
    void handlesAndAgentsEmailsAreIdentifiersToo() {
        Map<String, String> bob = contactRow(17, null, null);
        bob.put("twitter_handle", "BobB");
        directory.apply(
                at(AuditTestData.change("contacts", 17, Operation.INSERT, null, bob), 10, T0));
        Map<String, String> agent = new java.util.LinkedHashMap<>();
        agent.put("id", "3");
        agent.put("name", "Sam Support");
        agent.put("email", "sam@helpdesk.example");
        agent.put("role", "agent");
        directory.apply(
                at(AuditTestData.change("agents", 3, Operation.INSERT, null, agent), 11, T0));

        assertThat(directory.holders(IdentifierKind.HANDLE, "@bobb", 12))
                .containsExactly("contact:17");
        assertThat(email("sam@helpdesk.example", 12)).containsExactly("agent:3");
    }

    @Test
    void aNationallyWrittenNumberIsTheSameNumberInTheMentionsCountryAsTheLookupFoundIt() {
        // written without country code, contact without locale country: read in DE by
        // discovery's normalization (+49 30 ...); the mention is the same national number in
        // Austria (+43 30 ...), which only the lenient match finds, as the database look-up did
        Map<String, String> row = contactRow(17, null, "030 23125099");
        row.put("locale", null);
        directory.apply(
                at(AuditTestData.change("contacts", 17, Operation.INSERT, null, row), 10, T0));

        assertThat(phone("+493023125099", 11)).containsExactly("contact:17");
        assertThat(phone("+433023125099", 11)).containsExactly("contact:17");
        assertThat(phone("+493023125098", 11)).isEmpty();
        assertThat(phone("+493023125099", 9)).isEmpty();
        // a number written with its country code is only itself
        directory.apply(at(contactInserted(18, null, "+44 20 7946 0958"), 12, T0));
        assertThat(phone("+442079460958", 13)).containsExactly("contact:18");
        assertThat(phone("+492079460958", 13)).isEmpty();
    }

    @Test
    void aRestoredDirectoryAnswersAlikeAndPruningForgetsWhatNoChangeAsksFor() {
        directory.apply(at(contactInserted(17, "bob@example.com", "030 23125099"), 10, T0));
        var changed =
                directory.apply(
                        at(
                                AuditTestData.change(
                                        "contacts",
                                        17,
                                        Operation.UPDATE,
                                        contactRow(17, "bob@example.com", "030 23125099"),
                                        contactRow(17, "bob@new.example", "030 23125099")),
                                20,
                                T0 + 1_000));
        var deleted =
                directory.apply(
                        at(
                                AuditTestData.change(
                                        "contacts",
                                        18,
                                        Operation.DELETE,
                                        contactRow(18, "x@example.com", null),
                                        null),
                                21,
                                T0 + 1_000));

        SubjectIdentifiers restored =
                new SubjectIdentifiers(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        restored.restore(changed.orElseThrow().subjectId(), changed.get().value());
        restored.restore(deleted.orElseThrow().subjectId(), deleted.get().value());
        assertThat(restored.holders(IdentifierKind.EMAIL, "bob@example.com", 15))
                .containsExactly("contact:17");
        assertThat(restored.holders(IdentifierKind.PHONE, "+433023125099", 25))
                .containsExactly("contact:17");
        assertThat(restored.subjects()).isEqualTo(2);

        assertThat(restored.prune(T0 + 999)).isEmpty();
        var pruned = restored.prune(T0 + 1_000);

        assertThat(pruned)
                .extracting(e -> e.subjectId() + (e.value() == null ? " removed" : " kept"))
                .containsExactlyInAnyOrder("contact:17 kept", "contact:18 removed");
        assertThat(restored.subjects()).isEqualTo(1);
        assertThat(restored.holders(IdentifierKind.EMAIL, "bob@example.com", 15)).isEmpty();
        assertThat(restored.holders(IdentifierKind.EMAIL, "bob@new.example", 25))
                .containsExactly("contact:17");
        assertThat(restored.prune(Long.MAX_VALUE)).isEmpty(); // one live version: kept
    }

    @Test
    void theEncodedHistoryHoldsIdentifiersOnlyNeverNames() {
        var entry = directory.apply(at(contactInserted(17, "bob@example.com", null), 10, T0));
        assertThat(entry.orElseThrow().value())
                .contains("bob@example.com")
                .doesNotContain("Anna", "Łukasiewicz");
    }

    @Test
    void changesOfOtherTablesAreNotLearnt() {
        ChangeEvent ticket = AuditTestData.ticketInserted(3, 5, "Hi", "bob@example.com");
        assertThat(directory.apply(ticket)).isEmpty();
        assertThat(SubjectIdentifiers.describingTables(CATALOG))
                .containsExactly("agents", "contacts");
    }

    private java.util.SortedSet<String> email(String value, long lsn) {
        return directory.holders(IdentifierKind.EMAIL, value, lsn);
    }

    private java.util.SortedSet<String> phone(String e164, long lsn) {
        return directory.holders(IdentifierKind.PHONE, e164, lsn);
    }
}
