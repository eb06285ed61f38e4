package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.accountInserted;
import static dev.lethe.jobs.audit.AuditTestData.contactInserted;
import static dev.lethe.jobs.audit.AuditTestData.contactPhoneChanged;
import static dev.lethe.jobs.audit.AuditTestData.threadInserted;
import static dev.lethe.jobs.audit.AuditTestData.ticketDescriptionChanged;
import static dev.lethe.jobs.audit.AuditTestData.ticketInserted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.crypto.Decrypted;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.events.Operation;
import dev.lethe.keys.InMemorySubjectKeyStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditDraftsTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    private final InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
    private final SubjectCipher cipher = new SubjectCipher(keys);

    private static final String BOB_EMAIL = "Bob.Berger@example.com";
    private static final String BOB_PHONE = "030 23125099";

    /**
     * Ticket 3 and 4 belong to contact 5 (Anna); contact 17 (Bob) is another customer, with an
     * email, a nationally written phone and a handle. Both contacts were created at the start of
     * the log (LSN 1 and 2), before every change drafted here.
     */
    private final SubjectIdentifiers helpdesk = directory(CATALOG);

    private final AuditDrafts drafts = new AuditDrafts(CATALOG, cipher, helpdesk);

    private static SubjectIdentifiers directory(PersonalDataCatalog catalog) {
        SubjectIdentifiers d = new SubjectIdentifiers(catalog, PhoneDetector.DEFAULT_REGIONS);
        d.apply(AuditTestData.at(contactInserted(5, "anna@example.eu", "+49 30 1234567"), 1));
        Map<String, String> bob = AuditTestData.contactRow(17, BOB_EMAIL, BOB_PHONE);
        bob.put("twitter_handle", "@BobB");
        d.apply(
                AuditTestData.at(
                        AuditTestData.change("contacts", 17, Operation.INSERT, null, bob), 2));
        return d;
    }

    private static final Optional<String> ANNA = Optional.of("contact:5");

    @Test
    void personalValuesAreEncryptedForTheContactAndOthersStayReadable() {
        AuditEntry entry = drafts.draft(contactInserted(42, "anna@example.eu", "+49 30 1234567"));

        assertThat(entry.getEntityId()).isEqualTo("contacts/42");
        assertThat(entry.getSubjectIds()).containsExactly("contact:42");
        AuditFieldChange email = column(entry, "email");
        assertThat(email.getPersonal()).isTrue();
        assertThat(email.getBefore()).isNull();
        assertThat(email.getAfter()).isInstanceOf(ByteBuffer.class);
        assertThat(new String(bytes(email.getAfter()), StandardCharsets.ISO_8859_1))
                .doesNotContain("anna");
        assertThat(decrypt(email.getAfter(), "contacts/42#email")).isEqualTo("anna@example.eu");
        AuditFieldChange locale = column(entry, "locale");
        assertThat(locale.getPersonal()).isFalse();
        assertThat(locale.getAfter()).isEqualTo("de");
        assertThat(entry.getChanges())
                .extracting(AuditFieldChange::getColumn)
                .isSorted()
                .contains("id", "first_name", "deleted_at");
    }

    @Test
    void anUpdateRecordsOnlyTheColumnsThatChanged() {
        AuditEntry entry =
                drafts.draft(contactPhoneChanged(42, "anna@example.eu", "+49 30 1", "+33 1 2"));

        assertThat(entry.getChanges())
                .extracting(AuditFieldChange::getColumn)
                .containsExactly("phone");
        AuditFieldChange phone = entry.getChanges().get(0);
        assertThat(decrypt(phone.getBefore(), "contacts/42#phone")).isEqualTo("+49 30 1");
        assertThat(decrypt(phone.getAfter(), "contacts/42#phone")).isEqualTo("+33 1 2");
    }

    @Test
    void anImagesColumnsAreRecordedSortedEachOnceAndNoOthers() {
        // an image without some catalog columns (a DELETE's key-only image, say): only its own
        Map<String, String> partial = new LinkedHashMap<>();
        partial.put("locale", "de");
        partial.put("id", "42");
        partial.put("email", "anna@example.eu");
        AuditEntry entry =
                drafts.draft(AuditTestData.change("contacts", 42, Operation.DELETE, partial, null));
        assertThat(entry.getChanges())
                .extracting(AuditFieldChange::getColumn)
                .containsExactly("email", "id", "locale");

        // a column the catalog does not know (the normalizer sends such changes to dead letters;
        // should one get here) is still recorded, in its place
        Map<String, String> grown = AuditTestData.contactRow(42, "anna@example.eu", "+49 30 1");
        grown.put("nickname_x", "A.");
        AuditEntry withUnknown =
                drafts.draft(AuditTestData.change("contacts", 42, Operation.INSERT, null, grown));
        assertThat(withUnknown.getChanges())
                .extracting(AuditFieldChange::getColumn)
                .isSorted()
                .containsExactlyInAnyOrderElementsOf(grown.keySet());
    }

    @Test
    void aThreadIsEncryptedForTheContactOfItsTicket() {
        AuditEntry entry = drafts.draft(threadInserted(9, 3, "Hi, my IBAN is DE89..."), ANNA);

        assertThat(entry.getSubjectIds()).containsExactly("contact:5");
        assertThat(decrypt(column(entry, "content").getAfter(), "threads/9#content"))
                .startsWith("Hi, my IBAN");
    }

    @Test
    void withoutAResolvableSubjectPersonalValuesAreNotStoredAtAll() {
        AuditEntry entry = drafts.draft(threadInserted(9, 404, "secret words"), Optional.empty());

        assertThat(entry.getSubjectIds()).isEmpty();
        assertThat(entry.getAttributes()).containsEntry("redacted", "subject-unresolved");
        assertThat(column(entry, "content").getAfter()).isNull();
        assertThat(column(entry, "direction").getAfter()).isEqualTo("in");
    }

    @Test
    void anErasedSubjectsValuesAreRedacted() {
        keys.shred("contact:42", "dsar-1", "gdpr-art-17");

        AuditEntry entry = drafts.draft(contactInserted(42, "anna@example.eu", "+49 30 1"));

        assertThat(entry.getAttributes()).containsEntry("redacted", "subject-erased");
        assertThat(entry.getChanges())
                .filteredOn(AuditFieldChange::getPersonal)
                .extracting(AuditFieldChange::getColumn)
                .contains("email", "phone");
        assertThat(entry.toString()).doesNotContain("anna@example.eu", "+49 30 1");
        assertThat(entry.getChanges())
                .filteredOn(AuditFieldChange::getPersonal)
                .allSatisfy(
                        c -> {
                            assertThat(c.getBefore()).isNull();
                            assertThat(c.getAfter()).isNull();
                        });
    }

    @Test
    void aDescriptionNamingAnotherContactsEmailAndPhoneIsEncryptedForBoth() {
        AuditEntry entry =
                drafts.draft(
                        ticketInserted(
                                3,
                                5,
                                "Invoice question",
                                "Please also copy my colleague bob.berger@example.com, or call"
                                        + " him on +49 30 23125099."));

        assertThat(entry.getSubjectIds()).containsExactly("contact:17", "contact:5");
        AuditFieldChange description = column(entry, "description");
        assertThat(description.getPersonal()).isTrue();
        assertThat(SubjectCipher.subjectIds(bytes(description.getAfter())))
                .containsExactly("contact:17", "contact:5");
        assertThat(decrypt(description.getAfter(), "tickets/3#description"))
                .contains("bob.berger@example.com");
        AuditFieldChange subject = column(entry, "subject");
        assertThat(SubjectCipher.subjectIds(bytes(subject.getAfter())))
                .containsExactly("contact:5");
        assertThat(entry.getAttributes()).doesNotContainKey("redacted");
    }

    @Test
    void erasingTheNamedContactHidesTheValueThatNamesThemAndNothingElseOfTheOwnContact() {
        AuditEntry annasContact =
                drafts.draft(contactInserted(5, "anna@example.eu", "+49 30 1234567"));
        AuditEntry ticket =
                drafts.draft(
                        ticketInserted(
                                3, 5, "Invoice question", "Bob (" + BOB_PHONE + ") pays it."));
        assertThat(SubjectCipher.subjectIds(bytes(column(ticket, "description").getAfter())))
                .containsExactly("contact:17", "contact:5");

        keys.shred("contact:17", "dsar-17", "gdpr-art-17");

        assertThat(
                        cipher.decrypt(
                                bytes(column(ticket, "description").getAfter()),
                                "tickets/3#description"))
                .isEqualTo(new Decrypted.Erased(List.of("contact:17")));
        assertThat(decrypt(column(ticket, "subject").getAfter(), "tickets/3#subject"))
                .isEqualTo("Invoice question");
        assertThat(decrypt(column(annasContact, "first_name").getAfter(), "contacts/5#first_name"))
                .isEqualTo("Anna");
    }

    @Test
    void erasingTheOwnContactHidesTheSharedValueWhileTheNamedContactsOwnDataStaysReadable() {
        AuditEntry bobsContact = drafts.draft(contactInserted(17, BOB_EMAIL, BOB_PHONE));
        AuditEntry ticket =
                drafts.draft(ticketInserted(3, 5, "Refund", "Refund to " + BOB_EMAIL + " please"));

        keys.shred("contact:5", "dsar-5", "gdpr-art-17");

        assertThat(
                        cipher.decrypt(
                                bytes(column(ticket, "description").getAfter()),
                                "tickets/3#description"))
                .isEqualTo(new Decrypted.Erased(List.of("contact:5")));
        assertThat(cipher.decrypt(bytes(column(ticket, "subject").getAfter()), "tickets/3#subject"))
                .isInstanceOf(Decrypted.Erased.class);
        assertThat(decrypt(column(bobsContact, "email").getAfter(), "contacts/17#email"))
                .isEqualTo(BOB_EMAIL);
        assertThat(decrypt(column(bobsContact, "phone").getAfter(), "contacts/17#phone"))
                .isEqualTo(BOB_PHONE);
    }

    @Test
    void aSwitchboardNumberSharedByThreeHundredContactsIsNobodysAndTheEntryIsDrafted() {
        SubjectIdentifiers company = new SubjectIdentifiers(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        for (long id = 100; id < 400; id++) {
            company.apply(
                    AuditTestData.at(
                            contactInserted(id, "staff" + id + "@example.eu", "+49 30 9999000"),
                            1));
        }
        AuditDrafts drafts = new AuditDrafts(CATALOG, cipher, company);

        AuditEntry entry =
                drafts.draft(ticketInserted(3, 5, "Call", "Call the switchboard +49 30 9999000"));

        assertThat(entry.getSubjectIds()).containsExactly("contact:5");
        assertThat(decrypt(column(entry, "description").getAfter(), "tickets/3#description"))
                .isEqualTo("Call the switchboard +49 30 9999000");
        assertThat(entry.getAttributes()).doesNotContainKey("redacted");
    }

    @Test
    void aValueNamingMorePeopleThanAnEnvelopeHoldsIsLeftOutNotThrown() {
        SubjectIdentifiers many = new SubjectIdentifiers(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        StringBuilder list = new StringBuilder("cc:");
        for (long id = 100; id < 400; id++) {
            many.apply(AuditTestData.at(contactInserted(id, "p" + id + "@example.eu", null), 1));
            list.append(" p").append(id).append("@example.eu");
        }
        AuditDrafts drafts = new AuditDrafts(CATALOG, cipher, many);

        AuditEntry entry = drafts.draft(ticketInserted(3, 5, "Newsletter", list.toString()));

        assertThat(column(entry, "description").getAfter()).isNull();
        assertThat(entry.getAttributes())
                .containsEntry("redacted", "too-many-subjects")
                .containsEntry("redactedColumns", "description");
        assertThat(decrypt(column(entry, "subject").getAfter(), "tickets/3#subject"))
                .isEqualTo("Newsletter");
        assertThat(entry.getSubjectIds()).containsExactly("contact:5");
    }

    @Test
    void aValueNamingAnAlreadyErasedContactIsLeftOutAndTheRestOfTheRowStays() {
        keys.shred("contact:17", "dsar-17", "gdpr-art-17");

        AuditEntry entry = drafts.draft(ticketInserted(3, 5, "Question", "Ask @bobb about it"));

        AuditFieldChange description = column(entry, "description");
        assertThat(description.getPersonal()).isTrue();
        assertThat(description.getAfter()).isNull();
        assertThat(entry.getAttributes())
                .containsEntry("redacted", "mentioned-subject-erased")
                .containsEntry("redactedColumns", "description");
        assertThat(decrypt(column(entry, "subject").getAfter(), "tickets/3#subject"))
                .isEqualTo("Question");
        assertThat(entry.getSubjectIds()).containsExactly("contact:5");
        assertThat(entry.toString()).doesNotContain("bobb");
    }

    @Test
    void beforeAndAfterAreEachEncryptedForThePeopleTheyName() {
        AuditEntry entry =
                drafts.draft(
                        ticketDescriptionChanged(
                                4,
                                5,
                                "Delivery",
                                "Deliver to my neighbour, @BobB",
                                "Deliver to my own address"));

        AuditFieldChange description = column(entry, "description");
        assertThat(SubjectCipher.subjectIds(bytes(description.getBefore())))
                .containsExactly("contact:17", "contact:5");
        assertThat(SubjectCipher.subjectIds(bytes(description.getAfter())))
                .containsExactly("contact:5");
        assertThat(entry.getSubjectIds()).containsExactly("contact:17", "contact:5");
    }

    @Test
    void aTicketNamingItsOwnContactOrStrangersIsEncryptedForTheOwnContactOnly() {
        AuditEntry entry =
                drafts.draft(
                        ticketInserted(
                                3,
                                5,
                                "Hello",
                                "I am anna@example.eu; my old address unknown@example.org"));

        assertThat(entry.getSubjectIds()).containsExactly("contact:5");
        assertThat(SubjectCipher.subjectIds(bytes(column(entry, "description").getAfter())))
                .containsExactly("contact:5");
    }

    @Test
    void aThreadNamingAnotherContactIsEncryptedForThemToo() {
        AuditEntry entry = drafts.draft(threadInserted(9, 3, "Forwarding to " + BOB_EMAIL), ANNA);

        assertThat(SubjectCipher.subjectIds(bytes(column(entry, "content").getAfter())))
                .containsExactly("contact:17", "contact:5");
        // a declared address column is not free text: the thread's own contact only
        assertThat(SubjectCipher.subjectIds(bytes(column(entry, "from_address").getAfter())))
                .containsExactly("contact:5");
    }

    @Test
    void aNonPersonalFreeTextColumnStaysPlainUnlessItNamesSomeone() {
        AuditEntry plain = drafts.draft(accountInserted(1, "Berger Logistics GmbH"));
        AuditEntry naming = drafts.draft(accountInserted(2, "Sole trader " + BOB_EMAIL));

        assertThat(column(plain, "name").getPersonal()).isFalse();
        assertThat(column(plain, "name").getAfter()).isEqualTo("Berger Logistics GmbH");
        assertThat(plain.getSubjectIds()).isEmpty();
        AuditFieldChange name = column(naming, "name");
        assertThat(name.getPersonal()).isTrue();
        assertThat(SubjectCipher.subjectIds(bytes(name.getAfter()))).containsExactly("contact:17");
        assertThat(decrypt(name.getAfter(), "accounts/2#name")).endsWith(BOB_EMAIL);
        assertThat(naming.getSubjectIds()).containsExactly("contact:17");
    }

    private String decrypt(Object envelope, String aad) {
        Decrypted d = cipher.decrypt(bytes(envelope), aad);
        return ((Decrypted.Plaintext) d).text();
    }

    private static AuditFieldChange column(AuditEntry entry, String column) {
        return entry.getChanges().stream()
                .filter(c -> c.getColumn().equals(column))
                .findFirst()
                .orElseThrow();
    }

    private static byte[] bytes(Object buffer) {
        ByteBuffer d = ((ByteBuffer) buffer).duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
