package dev.lethe.discovery;

import static dev.lethe.discovery.DiscoveryRows.contact;
import static dev.lethe.discovery.DiscoveryRows.inserted;
import static dev.lethe.discovery.DiscoveryRows.thread;
import static dev.lethe.discovery.DiscoveryRows.ticket;
import static dev.lethe.discovery.DiscoveryRows.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A row's national phone numbers are read in its writer's regions, the configured list last. */
class RowLocatorRegionsTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    private SubjectDirectory directory;
    private RowLocator locator;

    @BeforeEach
    void setUp() {
        directory = new SubjectDirectory(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        locator = new RowLocator(CATALOG, directory, PhoneDetector.DEFAULT_REGIONS);
    }

    private void known(long id, String email, String locale, String region) {
        Map<String, String> row =
                with(
                        with(contact(id, "First" + id, "Last" + id, email), "locale", locale),
                        "region",
                        region);
        directory.apply(inserted("contacts", row, id));
    }

    private List<LocationDocument> phones(String table, Map<String, String> row) {
        return locator.locate(inserted(table, row, 500)).documents().stream()
                .filter(d -> d.kind().equals("phone"))
                .toList();
    }

    private List<LocationDocument> ticketPhones(long contactId, String description) {
        return phones("tickets", ticket(70, contactId, "Rückruf", description, "{}"));
    }

    @Test
    void aFrenchContactsMobileIsFrench() {
        known(3, "zoe@orange.fr", "fr-FR", "EU");
        List<LocationDocument> found = ticketPhones(3, "Appelez-moi au 06 12 34 56 78 svp");
        assertThat(found).extracting(LocationDocument::value).containsExactly("+33612345678");
        assertThat(found.get(0).reason()).contains("FR").contains("writer");
        // a contact the directory does not know: the configured regions
        assertThat(ticketPhones(99, "Appelez-moi au 06 12 34 56 78 svp"))
                .extracting(LocationDocument::value)
                .containsExactly("+49612345678");
    }

    @Test
    void aJapaneseContactsMobileInAThreadFoundByItsAddressIsJapanese() {
        known(4, "sato@yahoo.co.jp", "ja-JP", "APAC");
        var row =
                thread(12, 7, "sato@yahoo.co.jp", "support@helpdesk.example", "携帯は090-1234-5678です");
        assertThat(phones("threads", row))
                .extracting(LocationDocument::value)
                .containsExactly("+819012345678");
    }

    private static Map<String, String> comment(long id, long ticketId, long agentId, String text) {
        Map<String, String> r = new java.util.LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("ticket_id", Long.toString(ticketId));
        r.put("agent_id", Long.toString(agentId));
        r.put("is_public", "false");
        r.put("content", text);
        r.put("created_at", DiscoveryRows.AT.toString());
        r.put("updated_at", DiscoveryRows.AT.toString());
        r.put("deleted_at", null);
        return r;
    }

    @Test
    void anAgentsCommentIsReadInTheRegionOfTheTicketsContact() {
        known(4, "sato@yahoo.co.jp", "ja-JP", "APAC");
        var note = comment(31, 7, 2, "Kunde bittet um Rückruf: 090-1234-5678");
        // without knowing the ticket's contact: the configured regions (GB reads a premium-rate
        // number, IT a landline)
        assertThat(phones("comments", note))
                .extracting(LocationDocument::value)
                .containsExactly("+3909012345678");
        locator.resolvingParentsWith(
                record -> record.equals("tickets/7") ? Optional.of("contact:4") : Optional.empty());
        List<LocationDocument> found = phones("comments", note);
        assertThat(found).extracting(LocationDocument::value).containsExactly("+819012345678");
        assertThat(found.get(0).reason())
                .contains("JP, the writer's region")
                .contains("JP from contact:4, the subject of tickets/7");
        // a thread message by an agent: its addresses name no one with a region, the ticket does
        var reply = thread(12, 7, "agent@helpdesk.example", "someone@example.com", "090-1234-5678");
        assertThat(phones("threads", reply))
                .extracting(LocationDocument::value)
                .containsExactly("+819012345678");
    }

    @Test
    void theParentIsNotAskedForATextWithoutDigits() {
        List<String> asked = new java.util.ArrayList<>();
        locator.resolvingParentsWith(
                record -> {
                    asked.add(record);
                    return Optional.empty();
                });
        phones("comments", comment(31, 7, 2, "Kunde bittet um Rückruf"));
        assertThat(asked).isEmpty();
        phones("comments", comment(32, 7, 2, "Rückruf: 030 1234567"));
        assertThat(asked).containsExactly("tickets/7");
    }

    @Test
    void aSwedishContactsMobileIsSwedish() {
        known(5, "lars@telia.com", "sv-SE", "EU");
        assertThat(ticketPhones(5, "Ring mig på 070-123 45 67, tack"))
                .extracting(LocationDocument::value)
                .containsExactly("+46701234567");
    }

    @Test
    void anAmericanContactsNumberInParenthesesIsFound() {
        known(6, "amy@example.com", "en-US", null);
        assertThat(ticketPhones(6, "Please call me at (415) 555-0123."))
                .extracting(LocationDocument::value)
                .containsExactly("+14155550123");
    }

    @Test
    void theRegionColumnAndTheDeclaredPhoneSayWhereAContactLives() {
        // a locale without a country; the region column is a country code
        known(8, "a@example.com", "fr", "FR");
        assertThat(directory.phoneRegionsOf("contact:8")).containsExactly("FR");
        assertThat(ticketPhones(8, "06 12 34 56 78"))
                .extracting(LocationDocument::value)
                .containsExactly("+33612345678");
        // no locale, a residency region, a Swedish mobile
        directory.apply(
                inserted(
                        "contacts",
                        with(
                                with(
                                        with(
                                                contact(9, "Lars", "Berg", "l@example.com"),
                                                "locale",
                                                null),
                                        "region",
                                        "EU"),
                                "mobile",
                                "+46 70 123 45 67"),
                        9));
        assertThat(directory.phoneRegionsOf("contact:9")).containsExactly("SE");
        // the locale's country first, then the region column, then the phone's country
        directory.apply(
                inserted(
                        "contacts",
                        with(
                                with(
                                        with(
                                                contact(10, "Ana", "Ruiz", "r@example.com"),
                                                "locale",
                                                "es-ES"),
                                        "region",
                                        "UK"),
                                "phone",
                                "+33 1 42 68 53 00"),
                        10));
        assertThat(directory.phoneRegionsOf("contact:10")).containsExactly("ES", "GB", "FR");
        assertThat(directory.phoneRegionsOf("contact:404")).isEmpty();
    }

    private static Map<String, String> account(long id, String region) {
        Map<String, String> r = new java.util.LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("name", "Firma " + id);
        r.put("domain", "firma" + id + ".example");
        r.put("region", region);
        r.put("created_at", DiscoveryRows.AT.toString());
        r.put("updated_at", DiscoveryRows.AT.toString());
        r.put("deleted_at", null);
        return r;
    }

    @Test
    void theAccountsRegionComesAfterTheContactsOwnAndBeforeTheirPhonesCountry() {
        assertThat(directory.describes("accounts")).isTrue();
        var entry = directory.apply(inserted("accounts", account(3, "AT"), 1)).orElseThrow();
        // an organisation: only its region is kept
        assertThat(entry.value()).isEqualTo("AT");
        Map<String, String> row =
                with(
                        with(
                                with(
                                        contact(11, "Eva", "Huber", "eva@example.com"),
                                        "locale",
                                        "de"),
                                "account_id",
                                "3"),
                        "mobile",
                        "+46 70 123 45 67");
        var contactEntry = directory.apply(inserted("contacts", with(row, "region", "EU"), 2));
        assertThat(directory.phoneRegionsOf("contact:11")).containsExactly("AT", "SE");
        // a contact whose own row names a country: that first
        directory.apply(inserted("contacts", with(with(row, "region", "DE"), "id", "12"), 3));
        assertThat(directory.phoneRegionsOf("contact:12")).containsExactly("DE", "AT", "SE");
        // a national number in the contact's ticket is read in the account's region
        assertThat(ticketPhones(11, "Rückruf bitte: 0664 123456"))
                .extracting(LocationDocument::value)
                .containsExactly("+43664123456");
        // the account learnt after the contact, or moved, counts from then on
        directory.apply(inserted("accounts", account(3, "CH"), 4));
        assertThat(directory.phoneRegionsOf("contact:11")).containsExactly("CH", "SE");
        // persisted and restored, the account's region too
        SubjectDirectory restored = new SubjectDirectory(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        restored.restore(contactEntry.orElseThrow().key(), contactEntry.orElseThrow().value());
        restored.restore(entry.key(), entry.value());
        assertThat(restored.phoneRegionsOf("contact:11")).containsExactly("AT", "SE");
        // an account deleted: its region is forgotten
        directory.apply(DiscoveryRows.deleted("accounts", account(3, "CH"), 5));
        assertThat(directory.phoneRegionsOf("contact:11")).containsExactly("SE");
    }

    @Test
    void theRegionsComeBackWithTheDirectorysPersistedEntries() {
        var entry =
                directory
                        .apply(
                                inserted(
                                        "contacts",
                                        with(
                                                contact(3, "Zoë", "Martin", "z@orange.fr"),
                                                "locale",
                                                "fr-FR"),
                                        1))
                        .orElseThrow();
        SubjectDirectory restored = new SubjectDirectory(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        restored.restore(entry.key(), entry.value());
        assertThat(restored.phoneRegionsOf("contact:3")).containsExactly("FR");
        // an entry persisted before regions were kept
        restored.restore("contact:4", "{\"first\":\"Otto\",\"ids\":{}}");
        assertThat(restored.phoneRegionsOf("contact:4")).isEmpty();
        // a deleted contact's regions are forgotten
        restored.forget("contact:3");
        assertThat(restored.phoneRegionsOf("contact:3")).isEmpty();
    }

    @Test
    void aNumberThatIsAKnownPersonsInAnotherReadingIsTheirs() {
        // a German contact whose number is the German reading of the digits a French writer wrote:
        // the text names a number someone has, so it is about them (the generator's texts mention
        // people's numbers this way, in their own national format)
        directory.apply(
                inserted(
                        "contacts",
                        with(contact(2, "Otto", "Other", "otto@gmx.de"), "phone", "0612 345678"),
                        2));
        known(3, "zoe@orange.fr", "fr-FR", "EU");
        List<LocationDocument> found = ticketPhones(3, "Rufen Sie Otto an: 0612 345678");
        assertThat(found).extracting(LocationDocument::value).containsExactly("+49612345678");
        assertThat(found.get(0).subjectIds()).contains("contact:2");
        assertThat(found.get(0).reason()).contains("DE");
    }

    @Test
    void aNumberValidOnlyOutsideTheWritersRegionsIsKeptWhenItIsAKnownPersons() {
        // a German contact's mobile, written nationally by a Japanese contact: not valid in Japan
        directory.apply(
                inserted(
                        "contacts",
                        with(contact(2, "Otto", "Other", "otto@gmx.de"), "mobile", "0151 23456789"),
                        2));
        known(4, "sato@yahoo.co.jp", "ja-JP", "APAC");
        List<LocationDocument> found = ticketPhones(4, "Ottoさんの番号: 0151 23456789");
        assertThat(found).extracting(LocationDocument::value).containsExactly("+4915123456789");
        assertThat(found.get(0).subjectIds()).contains("contact:2");
        assertThat(found.get(0).reason()).contains("known subject");
        // nobody's number: a guess, not recorded
        assertThat(ticketPhones(4, "番号: 0151 23456780")).isEmpty();
    }

    @Test
    void withoutAKnownReadingTheWritersRegionStands() {
        known(3, "zoe@orange.fr", "fr-FR", "EU");
        List<LocationDocument> found = ticketPhones(3, "Appelez-moi au 06 12 34 56 78 svp");
        assertThat(found).extracting(LocationDocument::value).containsExactly("+33612345678");
    }

    @Test
    void anOrderNumberInATicketIsNoPhoneNumber() {
        known(3, "zoe@orange.fr", "fr-FR", "EU");
        assertThat(ticketPhones(3, "Ma commande n° 0612345678 n'est pas arrivée")).isEmpty();
    }
}
