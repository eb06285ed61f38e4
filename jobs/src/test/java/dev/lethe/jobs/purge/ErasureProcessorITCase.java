package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.discovery.TestLocations;
import dev.lethe.keys.FileMasterKeySource;
import dev.lethe.keys.JdbcSubjectKeyStore;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.simulator.HelpdeskMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The erasure processor on a real, migrated helpdesk database, with a listed index. */
class ErasureProcessorITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();
    private static final RetentionPolicy POLICY = RetentionPolicy.loadDefault(CATALOG);

    @TempDir static Path dir;

    @RegisterExtension
    static final HelpdeskDatabase HELPDESK =
            HelpdeskDatabase.migratedBy(HelpdeskMigrations::migrate)
                    .withServerConfig("wal_level", "logical");

    private static DataSource db;
    private static JdbcSubjectKeyStore keys;

    /** Locations the test declares; records what the processor asked to forget. */
    static final class ListedIndex implements ErasureIndex {
        final List<LocationDocument> locations = new ArrayList<>();
        final List<String> forgotten = new ArrayList<>();

        @Override
        public List<LocationDocument> locationsOf(String subjectId, String ownRecord) {
            return locations.stream().filter(d -> d.subjectIds().contains(subjectId)).toList();
        }

        @Override
        public void forget(String subjectId, Collection<String> recordIds) {
            forgotten.add(subjectId);
            forgotten.addAll(recordIds);
        }

        @Override
        public void forgetRecords(Collection<String> recordIds) {
            forgotten.addAll(recordIds);
        }

        @Override
        public void expungeDeleted() {}
    }

    @BeforeAll
    static void start() throws Exception {
        db = HELPDESK.db();
        try (Connection c = db.getConnection()) {
            PurgeSchema.create(c);
        }
        keys =
                JdbcSubjectKeyStore.builder()
                        .dataSource(db)
                        .masterKeys(new FileMasterKeySource(dir.resolve("master.key")))
                        .build();
        keys.createSchema();
    }

    private static ErasureProcessor processor(ErasureIndex index) {
        return new ErasureProcessor(
                db, CATALOG, POLICY, keys, index, Clock.systemUTC(), Duration.ZERO);
    }

    @Test
    void anOpenTicketBlocksWithItsReasonUntilClosedThenThePersonIsErasedAndTheKeyShredded()
            throws Exception {
        long contact = contact();
        long ticket =
                exec("INSERT INTO tickets (contact_id, subject) VALUES (" + contact + ", 's')");
        exec("INSERT INTO comments (ticket_id, content) VALUES (" + ticket + ", 'c')");
        String subject = "contact:" + contact;
        keys.getOrCreate(subject);
        String request = request(subject);
        ListedIndex index = new ListedIndex();

        processor(index).processPending();

        assertThat(status(request))
                .isEqualTo("blocked|OPEN_TICKET: tickets/" + ticket + " is still open");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(keys.isErased(subject)).isFalse();

        exec("UPDATE tickets SET status = 'closed', closed_at = now() WHERE id = " + ticket);
        processor(index).processPending();

        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isZero();
        assertThat(HELPDESK.number("SELECT count(*) FROM tickets WHERE contact_id = " + contact))
                .isZero();
        assertThat(HELPDESK.number("SELECT count(*) FROM comments WHERE ticket_id = " + ticket))
                .isZero();
        assertThat(keys.isErased(subject)).isTrue();
        assertThat(index.forgotten).contains(subject, "contacts/" + contact);
        assertThat(
                        HELPDESK.number(
                                "SELECT count(*) FROM lethe.purge_log WHERE request_id = '"
                                        + request
                                        + "' AND outcome = 'done'"))
                .isOne();
    }

    @Test
    void aLegalHoldBlocksWithItsReasonAndNothingIsDeletedOrShredded() throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        exec(
                "INSERT INTO lethe.legal_holds (subject_id, reason) VALUES ('"
                        + subject
                        + "', 'case 2025-17')");
        String request = request(subject);

        processor(new ListedIndex()).processPending();

        assertThat(status(request))
                .startsWith("blocked|contacts/" + contact + ": LEGAL_HOLD")
                .contains("case 2025-17");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(keys.isErased(subject)).isFalse();
    }

    @Test
    void theirEmailInSomeoneElsesCommentIsRedactedAndTheCommentStays() throws Exception {
        long erased = contact();
        long other = contact();
        long ticket =
                exec(
                        "INSERT INTO tickets (contact_id, subject, status) VALUES ("
                                + other
                                + ", 's', 'solved')");
        long comment =
                exec(
                        "INSERT INTO comments (ticket_id, content) VALUES ("
                                + ticket
                                // written as the customer wrote it; the index has it normalized
                                + ", 'cc: Erika@Example.EU please, not otto@example.eu')");
        String subject = "contact:" + erased;
        ListedIndex index = new ListedIndex();
        index.locations.add(
                mention(
                        subject,
                        "comments/" + comment,
                        "content",
                        "email",
                        "erika@example.eu",
                        4,
                        20,
                        "tickets/" + ticket));
        // written by another system, with the person's email in it
        String request = request(subject, "per mail of erika@example.eu");

        processor(index).processPending();

        assertThat(status(request)).isEqualTo("done|erased");
        // the register of erased subjects (kept for good) does not copy it
        assertThat(
                        HELPDESK.text(
                                "SELECT reason FROM lethe.erased_subjects WHERE subject_id = '"
                                        + subject
                                        + "'"))
                .isEqualTo(PersonalDataInText.WITHHELD);
        assertThat(HELPDESK.text("SELECT content FROM comments WHERE id = " + comment))
                .isEqualTo("cc: [erased] please, not otto@example.eu");
        assertThat(HELPDESK.number("SELECT count(*) FROM tickets WHERE id = " + ticket)).isOne();
    }

    @Test
    void theirPhoneInAScannedCustomFieldOfSomeoneElsesTicketIsRedacted() throws Exception {
        long erased = contact();
        long other = contact();
        long ticket =
                exec(
                        "INSERT INTO tickets (contact_id, subject, status, custom_fields) VALUES ("
                                + other
                                + ", 's', 'solved', '{\"order_ref\": \"call back on +49 30"
                                + " 1234567\", \"priority\": 2}')");
        String subject = "contact:" + erased;
        ListedIndex index = new ListedIndex();
        index.locations.add(
                mention(
                        subject,
                        "tickets/" + ticket,
                        "custom_fields.order_ref",
                        "phone",
                        "+49301234567",
                        13,
                        28,
                        null));
        String request = request(subject);

        processor(index).processPending();

        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(
                        HELPDESK.text(
                                "SELECT custom_fields->>'order_ref' FROM tickets WHERE id = "
                                        + ticket))
                .isEqualTo("call back on [erased]");
        assertThat(
                        HELPDESK.text(
                                "SELECT custom_fields->>'priority' FROM tickets WHERE id = "
                                        + ticket))
                .isEqualTo("2");
    }

    private static final String WEI_LI_TEXT =
            "Our delivery was late. Wei Li from your team (+86 138 1234 5678) promised a Litre of"
                    + " oil; please deliver it. Li said so.";

    /**
     * Wei Li's contact and another customer's solved ticket that mentions him; [contact, ticket].
     */
    private static long[] weiLiMentionedInAnotherCustomersTicket() throws Exception {
        long weiLi =
                exec(
                        "INSERT INTO contacts (first_name, last_name, email, phone) VALUES ('Wei',"
                                + " 'Li', 'wei.li"
                                + System.nanoTime()
                                + "@example.cn', '+86 138 1234 5678')");
        long other = contact();
        long ticket =
                exec(
                        "INSERT INTO tickets (contact_id, subject, status, description) VALUES ("
                                + other
                                + ", 'late delivery', 'solved', '"
                                + WEI_LI_TEXT
                                + "')");
        return new long[] {weiLi, ticket};
    }

    /** The locations discovery writes for Wei Li in that ticket's description. */
    private static ListedIndex weiLiLocations(String subject, long ticket) {
        ListedIndex index = new ListedIndex();
        String record = "tickets/" + ticket;
        int at = WEI_LI_TEXT.indexOf("Wei Li");
        index.locations.add(
                mention(subject, record, "description", "name", "Wei Li", at, at + 6, null));
        at = WEI_LI_TEXT.indexOf("+86");
        index.locations.add(
                mention(
                        subject,
                        record,
                        "description",
                        "phone",
                        "+8613812345678",
                        at,
                        at + 17,
                        null));
        at = WEI_LI_TEXT.lastIndexOf("Li said");
        index.locations.add(
                mention(subject, record, "description", "name", "Li", at, at + 2, null));
        return index;
    }

    @Test
    void erasingWeiLiChangesAnotherCustomersTicketOnlyWhereHisNameAndPhoneAre() throws Exception {
        long[] ids = weiLiMentionedInAnotherCustomersTicket();
        String subject = "contact:" + ids[0];
        String request = request(subject);

        processor(weiLiLocations(subject, ids[1])).processPending();

        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(HELPDESK.text("SELECT description FROM tickets WHERE id = " + ids[1]))
                .isEqualTo(
                        "Our delivery was late. [erased] from your team ([erased]) promised a"
                                + " Litre of oil; please deliver it. [erased] said so.");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + ids[0])).isZero();
    }

    @Test
    void aHeldRecordThatMentionsThePersonBlocksTheRequestAndIsNotEdited() throws Exception {
        long[] ids = weiLiMentionedInAnotherCustomersTicket();
        String subject = "contact:" + ids[0];
        exec(
                "INSERT INTO lethe.legal_holds (record_id, reason) VALUES ('tickets/"
                        + ids[1]
                        + "', 'litigation 2026-3')");
        String request = request(subject);

        processor(weiLiLocations(subject, ids[1])).processPending();

        assertThat(status(request))
                .startsWith("blocked|tickets/" + ids[1] + ": LEGAL_HOLD")
                .contains("litigation 2026-3");
        assertThat(HELPDESK.text("SELECT description FROM tickets WHERE id = " + ids[1]))
                .isEqualTo(WEI_LI_TEXT);
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + ids[0])).isOne();
        assertThat(keys.isErased(subject)).isFalse();
    }

    @Test
    void aKindTheCatalogDoesNotDeclareAsASubjectIsRefusedAndNothingRecorded() throws Exception {
        long before = HELPDESK.number("SELECT count(*) FROM lethe.erasure_requests");
        long definition =
                exec(
                        "INSERT INTO custom_field_definitions (name, label, field_type, encrypted)"
                                + " VALUES ('f"
                                + System.nanoTime()
                                + "', 'F', 'text', true)");

        assertThatThrownBy(() -> request("custom_field_definition:" + definition))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not declared in the catalog")
                .hasMessageContaining("contact");

        assertThat(HELPDESK.number("SELECT count(*) FROM lethe.erasure_requests"))
                .isEqualTo(before);
        assertThat(
                        HELPDESK.number(
                                "SELECT count(*) FROM custom_field_definitions WHERE id = "
                                        + definition))
                .isOne();
    }

    @Test
    void aSubjectThatNeverExistedIsRefusedAndNeverTombstoned() throws Exception {
        long before = HELPDESK.number("SELECT count(*) FROM lethe.erasure_requests");

        assertThatThrownBy(() -> request("contact:999999999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such subject");
        assertThat(HELPDESK.number("SELECT count(*) FROM lethe.erasure_requests"))
                .isEqualTo(before);

        // written by another system straight into the table: refused when processed, for good
        String id = UUID.randomUUID().toString();
        HELPDESK.exec(
                "INSERT INTO lethe.erasure_requests (request_id, subject_id, reason, due_at)"
                        + " VALUES ('"
                        + id
                        + "', 'contact:999999998', 'x', now())");
        processor(new ListedIndex()).processPending();

        assertThat(status(id)).startsWith("refused|REFUSED: no such subject");
        assertThat(keys.isErased("contact:999999998")).isFalse();
    }

    // ---- failing rounds: status failing, the reason names the kind of error, never a value

    /** An index whose search or forget fails with {@code failure}. */
    static final class FailingIndex implements ErasureIndex {
        final Exception onSearch;
        final Exception onForget;

        FailingIndex(Exception onSearch, Exception onForget) {
            this.onSearch = onSearch;
            this.onForget = onForget;
        }

        @Override
        public List<LocationDocument> locationsOf(String subjectId, String ownRecord)
                throws java.io.IOException {
            throw0(onSearch);
            return List.of();
        }

        @Override
        public void forget(String subjectId, Collection<String> recordIds)
                throws java.io.IOException {
            throw0(onForget);
        }

        @Override
        public void forgetRecords(Collection<String> recordIds) {}

        @Override
        public void expungeDeleted() {}

        private static void throw0(Exception e) throws java.io.IOException {
            if (e instanceof java.io.IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
        }
    }

    /** The test's key store, whose shred fails while {@code failing} holds. */
    static final class FailingShred implements dev.lethe.keys.SubjectKeyStore {
        boolean failing = true;

        @Override
        public javax.crypto.SecretKey getOrCreate(String subjectId) {
            return keys.getOrCreate(subjectId);
        }

        @Override
        public java.util.Optional<javax.crypto.SecretKey> find(String subjectId) {
            return keys.find(subjectId);
        }

        @Override
        public boolean shred(String subjectId, String requestId, String reason) {
            if (failing) {
                throw new IllegalStateException(
                        "key store unreachable while shredding " + subjectId);
            }
            return keys.shred(subjectId, requestId, reason);
        }

        @Override
        public boolean isErased(String subjectId) {
            return keys.isErased(subjectId);
        }

        @Override
        public java.util.Optional<dev.lethe.keys.Erasure> erasure(String subjectId) {
            return keys.erasure(subjectId);
        }
    }

    @Test
    void anIndexThatCannotBeSearchedLeavesTheRequestFailingWithTheErrorKindAndNothingDeleted()
            throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        String request = request(subject);
        ErasureIndex index =
                new FailingIndex(
                        new java.io.IOException(
                                "locations search failed (index_not_found_exception)"),
                        null);

        List<ErasureProcessor.Progress> progress = processor(index).processPending();

        assertThat(status(request))
                .isEqualTo(
                        "failing|FAILED: IOException (locations search failed"
                                + " (index_not_found_exception))");
        assertThat(progress)
                .filteredOn(p -> p.requestId().equals(request))
                .singleElement()
                .satisfies(p -> assertThat(p.status()).isEqualTo(ErasureProcessor.FAILING));
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(keys.isErased(subject)).isFalse();
    }

    @Test
    void anErrorWhoseMessageQuotesAValueIsRecordedByItsKindOnly() throws Exception {
        long contact = contact();
        String email = HELPDESK.text("SELECT email FROM contacts WHERE id = " + contact);
        String subject = "contact:" + contact;
        String request = request(subject);
        ErasureIndex index =
                new FailingIndex(
                        new IllegalStateException("cannot parse document holding " + email), null);

        processor(index).processPending();

        assertThat(status(request))
                .isEqualTo("failing|FAILED: IllegalStateException")
                .doesNotContain(email);
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
    }

    @Test
    void anIndexThatCannotForgetLeavesTheRequestFailingWithTheErrorKind() throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        String request = request(subject);
        ErasureIndex index =
                new FailingIndex(
                        null, new java.io.IOException("delete by query failed (status 503)"));

        processor(index).processPending();

        assertThat(status(request))
                .isEqualTo("failing|FAILED: IOException (delete by query failed (status 503))");
    }

    @Test
    void anIndexThatFailsToForgetAfterTheShredIsAskedAgainByTheNextRoundOfTheSameRequest()
            throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        keys.getOrCreate(subject);
        String request = request(subject);
        ListedIndex later = new ListedIndex();
        ErasureIndex flaky =
                new ErasureIndex() {
                    int calls;

                    @Override
                    public List<LocationDocument> locationsOf(String s, String own) {
                        return later.locationsOf(s, own);
                    }

                    @Override
                    public void forget(String s, Collection<String> records)
                            throws java.io.IOException {
                        if (calls++ == 0) {
                            throw new java.io.IOException("bulk delete: status 503");
                        }
                        later.forget(s, records);
                    }

                    @Override
                    public void forgetRecords(Collection<String> records) {}

                    @Override
                    public void expungeDeleted() {}
                };
        ErasureProcessor processor = processor(flaky);

        processor.processPending();
        assertThat(status(request)).startsWith("failing|");
        assertThat(keys.isErased(subject)).isTrue();

        processor.processPending();

        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(later.forgotten).contains(subject);
    }

    @Test
    void aKeyStoreThatCannotShredLeavesTheRequestFailingAndTheNextRoundFinishesIt()
            throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        keys.getOrCreate(subject);
        String request = request(subject);
        FailingShred store = new FailingShred();
        ListedIndex index = new ListedIndex();
        ErasureProcessor processor =
                new ErasureProcessor(
                        db, CATALOG, POLICY, store, index, Clock.systemUTC(), Duration.ZERO);

        processor.processPending();

        assertThat(status(request))
                .isEqualTo("failing|FAILED: IllegalStateException")
                .doesNotContain(subject);
        assertThat(keys.isErased(subject)).isFalse();

        store.failing = false;
        processor.processPending();

        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isZero();
        assertThat(keys.isErased(subject)).isTrue();
        assertThat(index.forgotten).contains(subject);
    }

    /** The index's location of {@code subject}'s identifier found in someone else's text. */
    private static LocationDocument mention(
            String subject,
            String record,
            String column,
            String kind,
            String value,
            int start,
            int end,
            String parentRecord) {
        return TestLocations.found(subject, record, column, kind, value, start)
                .span(start, end)
                .parentRecord(parentRecord)
                .build();
    }

    private static String fourEyesRequest(String subject, String by) throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection c = db.getConnection()) {
            assertThat(
                            ErasureProcessor.request(
                                    c,
                                    id,
                                    subject,
                                    "Art. 17 #4",
                                    by,
                                    POLICY.withErasureApproval(
                                            RetentionPolicy.ErasureApproval.FOUR_EYES),
                                    CATALOG,
                                    Instant.now()))
                    .isEqualTo(ErasureProcessor.AWAITING_APPROVAL);
        }
        return id;
    }

    private static ErasureProcessor.Decision decide(String what, String request, String by)
            throws Exception {
        try (Connection c = db.getConnection()) {
            return switch (what) {
                case "approve" -> ErasureProcessor.approve(c, request, by, Instant.now());
                case "reject" ->
                        ErasureProcessor.reject(c, request, by, "not verified", Instant.now());
                default -> ErasureProcessor.retry(c, request, by, Instant.now());
            };
        }
    }

    @Test
    void underFourEyesTheJobLeavesARequestAloneUntilASecondDpoApprovesIt() throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        keys.getOrCreate(subject);
        String request = fourEyesRequest(subject, "dana");
        ListedIndex index = new ListedIndex();

        // the retry interval is zero here: only the status keeps the job away
        assertThat(processor(index).processPending())
                .extracting(ErasureProcessor.Progress::requestId)
                .doesNotContain(request);
        assertThat(
                        HELPDESK.text(
                                "SELECT status FROM lethe.erasure_requests WHERE request_id = '"
                                        + request
                                        + "'"))
                .isEqualTo("awaiting-approval");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(keys.isErased(subject)).isFalse();

        assertThat(decide("approve", request, "dana"))
                .isEqualTo(ErasureProcessor.Decision.SAME_PERSON);
        // (the database is shared: other tests' failing requests are retried, never this one)
        assertThat(processor(index).processPending())
                .extracting(ErasureProcessor.Progress::requestId)
                .doesNotContain(request);
        assertThat(decide("approve", "no-such-request", "otto"))
                .isEqualTo(ErasureProcessor.Decision.NO_SUCH_REQUEST);

        assertThat(decide("approve", request, "otto")).isEqualTo(ErasureProcessor.Decision.DONE);
        assertThat(
                        HELPDESK.text(
                                "SELECT requested_by || '|' || approved_by || '|' || status ||"
                                        + " '|' || (approved_at IS NOT NULL)"
                                        + " FROM lethe.erasure_requests WHERE request_id = '"
                                        + request
                                        + "'"))
                .isEqualTo("dana|otto|pending|true");
        assertThat(decide("approve", request, "otto"))
                .isEqualTo(ErasureProcessor.Decision.WRONG_STATUS);
        processor(index).processPending();
        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isZero();
        assertThat(keys.isErased(subject)).isTrue();
    }

    @Test
    void aRejectedRequestIsFinalAndNeverCarriedOut() throws Exception {
        long contact = contact();
        String subject = "contact:" + contact;
        keys.getOrCreate(subject);
        String request = fourEyesRequest(subject, "dana");

        assertThat(decide("reject", request, "otto")).isEqualTo(ErasureProcessor.Decision.DONE);
        processor(new ListedIndex()).processPending();

        assertThat(
                        HELPDESK.text(
                                "SELECT status || '|' || rejected_by || '|' || rejection_reason"
                                        + " || '|' || (rejected_at IS NOT NULL)"
                                        + " FROM lethe.erasure_requests WHERE request_id = '"
                                        + request
                                        + "'"))
                .isEqualTo("rejected|otto|not verified|true");
        assertThat(HELPDESK.number("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(keys.isErased(subject)).isFalse();
        assertThat(decide("approve", request, "mira"))
                .isEqualTo(ErasureProcessor.Decision.WRONG_STATUS);
        assertThat(decide("retry", request, "mira"))
                .isEqualTo(ErasureProcessor.Decision.WRONG_STATUS);
    }

    @Test
    void aRetryMakesABlockedRequestPendingForTheNextTick() throws Exception {
        long contact = contact();
        long ticket =
                exec("INSERT INTO tickets (contact_id, subject) VALUES (" + contact + ", 's')");
        String subject = "contact:" + contact;
        keys.getOrCreate(subject);
        String request = request(subject);
        // a long retry interval: without the retry, the blocked request would wait for it
        ErasureProcessor slow =
                new ErasureProcessor(
                        db,
                        CATALOG,
                        POLICY,
                        keys,
                        new ListedIndex(),
                        Clock.systemUTC(),
                        Duration.ofHours(1));
        slow.processPending();
        assertThat(status(request)).startsWith("blocked|OPEN_TICKET");
        exec("UPDATE tickets SET status = 'closed', closed_at = now() WHERE id = " + ticket);
        assertThat(slow.processPending())
                .extracting(ErasureProcessor.Progress::requestId)
                .doesNotContain(request);

        assertThat(decide("retry", request, "dana")).isEqualTo(ErasureProcessor.Decision.DONE);
        assertThat(status(request)).isEqualTo("pending|retry requested by dana");
        assertThat(
                        HELPDESK.text(
                                "SELECT retry_requested_by FROM lethe.erasure_requests WHERE request_id = '"
                                        + request
                                        + "'"))
                .isEqualTo("dana");
        slow.processPending();
        assertThat(status(request)).isEqualTo("done|erased");
        assertThat(decide("retry", request, "dana"))
                .isEqualTo(ErasureProcessor.Decision.WRONG_STATUS);
    }

    private static long contact() throws Exception {
        return exec(
                "INSERT INTO contacts (email) VALUES ('c" + System.nanoTime() + "@example.eu')");
    }

    private static String request(String subject) throws Exception {
        return request(subject, "test");
    }

    private static String request(String subject, String reason) throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection c = db.getConnection()) {
            ErasureProcessor.request(c, id, subject, reason, POLICY, CATALOG, Instant.now());
        }
        return id;
    }

    private static String status(String request) throws Exception {
        return HELPDESK.text(
                "SELECT status || '|' || status_reason FROM lethe.erasure_requests"
                        + " WHERE request_id = '"
                        + request
                        + "'");
    }

    private static long exec(String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            if (sql.startsWith("INSERT")) {
                try (ResultSet r = s.executeQuery(sql + " RETURNING id")) {
                    r.next();
                    return r.getLong(1);
                }
            }
            return s.executeUpdate(sql);
        }
    }
}
