package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.contactInserted;
import static dev.lethe.jobs.audit.AuditTestData.contactPhoneChanged;
import static dev.lethe.jobs.audit.AuditTestData.threadInserted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.crypto.Decrypted;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.keys.InMemorySubjectKeyStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditDraftsTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    private final InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
    private final SubjectCipher cipher = new SubjectCipher(keys);

    /** Ticket 3 belongs to contact 5; nothing else exists. */
    private final SubjectLookup helpdesk =
            (table, keyColumn, keyValue, column) ->
                    table.equals("tickets")
                                    && keyColumn.equals("id")
                                    && keyValue.equals("3")
                                    && column.equals("contact_id")
                            ? Optional.of("5")
                            : Optional.empty();

    private final AuditDrafts drafts = new AuditDrafts(CATALOG, cipher, helpdesk);

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
    void aThreadIsEncryptedForTheContactOfItsTicket() {
        AuditEntry entry = drafts.draft(threadInserted(9, 3, "Hi, my IBAN is DE89..."));

        assertThat(entry.getSubjectIds()).containsExactly("contact:5");
        assertThat(decrypt(column(entry, "content").getAfter(), "threads/9#content"))
                .startsWith("Hi, my IBAN");
    }

    @Test
    void withoutAResolvableSubjectPersonalValuesAreNotStoredAtAll() {
        AuditEntry entry = drafts.draft(threadInserted(9, 404, "secret words"));

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
                .allSatisfy(
                        c -> {
                            assertThat(c.getBefore()).isNull();
                            assertThat(c.getAfter()).isNull();
                        });
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
