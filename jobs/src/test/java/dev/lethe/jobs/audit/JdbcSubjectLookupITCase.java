package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.lethe.catalog.IdentifierKind;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.simulator.HelpdeskData.Contact;
import dev.lethe.simulator.HelpdeskGenerator;
import dev.lethe.simulator.HelpdeskMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The identifier lookups of the audit job against a real, migrated helpdesk database of a few
 * thousand generated contacts: the same contacts as the unindexed queries they replaced, and every
 * statement planned without a sequential scan of {@code contacts}.
 */
class JdbcSubjectLookupITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static long bob;
    private static long viennese;
    private static long gone;
    private static long niue;
    private static final List<Long> TICKETS = new ArrayList<>();
    private static final List<String[]> GENERATED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        HelpdeskMigrations.migrate(db);
        bob = contact("Bob.Berger@Example.com", "030 23125099", "+33 1 23 45 67 89", "@BobB");
        // same trailing digits as Bob's phone, another country
        viennese = contact("wien@example.at", "+43 1 23125099", null, null);
        gone = contact("gone@example.eu", null, null, "soft_deleted");
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("UPDATE contacts SET deleted_at = now() WHERE id = ?")) {
            ps.setLong(1, gone);
            ps.executeUpdate();
        }
        // a national number shorter than the indexed tail (Niue: 4 digits)
        niue = contact("niue@example.nu", "+683 4002", null, null);
        loadGeneratedContacts(3000);
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }
    }

    /** Contacts of the helpdesk generator (ten locales' phone formats), and a ticket for some. */
    private static void loadGeneratedContacts(int count) throws Exception {
        HelpdeskGenerator generator =
                new HelpdeskGenerator(11, count, Instant.parse("2026-11-01T00:00:00Z"));
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO contacts (first_name, last_name, email, phone,"
                                        + " mobile, twitter_handle) VALUES (?, ?, ?, ?, ?, ?)"
                                        + " RETURNING id")) {
            while (generator.hasNext()) {
                Contact k = generator.next().contact();
                ps.setString(1, k.firstName());
                ps.setString(2, k.lastName());
                ps.setString(3, k.email());
                ps.setString(4, k.phone());
                ps.setString(5, k.mobile());
                ps.setString(6, k.twitterHandle());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    GENERATED.add(
                            new String[] {
                                rs.getString(1), k.email(), k.phone(), k.mobile(), k.twitterHandle()
                            });
                }
            }
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO tickets (contact_id, subject) VALUES (?, 'help')"
                                        + " RETURNING id")) {
            for (int k = 0; k < GENERATED.size(); k += 3) {
                ps.setLong(1, Long.parseLong(GENERATED.get(k)[0]));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    TICKETS.add(rs.getLong(1));
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void emailsMatchIgnoringCase() throws Exception {
        try (SubjectLookup lookup = open()) {
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.EMAIL, "bob.berger@example.com"))
                    .containsExactly("contact:" + bob);
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.EMAIL, "nobody@example.com"))
                    .isEmpty();
        }
    }

    @Test
    void handlesMatchWithOrWithoutTheAtSign() throws Exception {
        try (SubjectLookup lookup = open()) {
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.HANDLE, "@bobb"))
                    .containsExactly("contact:" + bob);
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.HANDLE, "@bob")).isEmpty();
        }
    }

    @Test
    void phonesMatchTheSameNumberHoweverItIsStoredAndNotAnotherCountrysNumber() throws Exception {
        try (SubjectLookup lookup = open()) {
            // stored nationally as 030 23125099
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, "+493023125099"))
                    .containsExactly("contact:" + bob);
            // Bob's mobile
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, "+33123456789"))
                    .containsExactly("contact:" + bob);
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, "+43123125099"))
                    .containsExactly("contact:" + viennese);
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, "+4930999999")).isEmpty();
        }
    }

    @Test
    void softDeletedContactsAreStillFound() throws Exception {
        try (SubjectLookup lookup = open()) {
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.EMAIL, "gone@example.eu"))
                    .containsExactly("contact:" + gone);
        }
    }

    @Test
    void aFailedLookupNamesTheKindButNeverTheValue() throws Exception {
        SubjectLookup lookup = open();
        lookup.close();
        assertThatThrownBy(
                        () ->
                                lookup.contactsIdentifiedBy(
                                        IdentifierKind.EMAIL, "secret.person@example.com"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("email")
                .satisfies(e -> assertThat(chain(e)).doesNotContain("secret.person"));
    }

    @Test
    void everyLookupIsPlannedWithoutASequentialScanOfContacts() throws Exception {
        String[] tail = JdbcSubjectLookup.phoneTailRange("125099");
        String[] shortTail = JdbcSubjectLookup.phoneTailRange("4002");
        long ticket = TICKETS.get(TICKETS.size() / 2);
        try (JdbcSubjectLookup lookup = (JdbcSubjectLookup) open()) {
            Map<String, List<String>> statements = new LinkedHashMap<>();
            statements.put(JdbcSubjectLookup.CONTACTS_BY_EMAIL, List.of("bob.berger@example.com"));
            statements.put(JdbcSubjectLookup.CONTACTS_BY_HANDLE, List.of("bobb"));
            statements.put(
                    JdbcSubjectLookup.CONTACTS_BY_PHONE_TAIL,
                    List.of(tail[0], tail[1], tail[0], tail[1]));
            statements.put(
                    JdbcSubjectLookup.CONTACTS_BY_PHONE_TAIL + " ",
                    List.of(shortTail[0], shortTail[1], shortTail[0], shortTail[1]));
            statements.put(
                    lookup.valueSql("tickets", "id", "contact_id"),
                    List.of(Long.toString(ticket), Long.toString(ticket)));
            statements.put(
                    lookup.valueSql("contacts", "id", "email"),
                    List.of(Long.toString(bob), Long.toString(bob)));
            // the check sees a sequential scan where there is one: the queries as they were
            assertThat(
                            seqScans(
                                    customPlan(
                                            "SELECT email FROM contacts WHERE id::text = ?",
                                            List.of(Long.toString(bob)))))
                    .contains("contacts");
            assertThat(seqScans(customPlan(UNINDEXED_PHONE, List.of("6", "125099", "6", "125099"))))
                    .contains("contacts");
            for (Map.Entry<String, List<String>> e : statements.entrySet()) {
                String sql = e.getKey().strip();
                String table = sql.contains("FROM tickets") ? "tickets" : "contacts";
                assertThat(seqScans(customPlan(sql, e.getValue())))
                        .as("plan with its values of %s", sql)
                        .doesNotContain(table);
                assertThat(seqScans(genericPlan(sql, e.getValue())))
                        .as("generic plan of %s", sql)
                        .doesNotContain(table);
            }
        }
    }

    @Test
    void findsTheSameContactsAsTheUnindexedQueries() throws Exception {
        try (SubjectLookup lookup = open();
                Connection c = db.getConnection()) {
            int phones = 0;
            for (int k = 0; k < GENERATED.size(); k += 7) {
                String[] g = GENERATED.get(k);
                String email = g[1].toLowerCase(Locale.ROOT);
                assertThat(lookup.contactsIdentifiedBy(IdentifierKind.EMAIL, email))
                        .isEqualTo(
                                ids(
                                        c,
                                        "SELECT id::text FROM contacts WHERE lower(email) = ?",
                                        email))
                        .contains("contact:" + g[0]);
                if (g[4] != null) {
                    String handle = g[4].toLowerCase(Locale.ROOT);
                    handle = handle.startsWith("@") ? handle : "@" + handle;
                    assertThat(lookup.contactsIdentifiedBy(IdentifierKind.HANDLE, handle))
                            .isEqualTo(
                                    ids(
                                            c,
                                            "SELECT id::text FROM contacts"
                                                    + " WHERE lower(ltrim(twitter_handle, '@')) = ?",
                                            handle.substring(1)))
                            .contains("contact:" + g[0]);
                }
                for (String written : new String[] {g[2], g[3]}) {
                    Optional<String> e164 =
                            PhoneDetector.normalize(written, PhoneDetector.DEFAULT_REGIONS);
                    if (e164.isPresent()) {
                        phones++;
                        assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, e164.get()))
                                .isEqualTo(unindexedPhone(c, e164.get()));
                    }
                }
            }
            assertThat(phones).isGreaterThan(100);
            for (String e164 :
                    List.of("+6834002", "+493023125099", "+43123125099", "+4930999999")) {
                assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, e164))
                        .isEqualTo(unindexedPhone(c, e164));
            }
            assertThat(lookup.contactsIdentifiedBy(IdentifierKind.PHONE, "+6834002"))
                    .containsExactly("contact:" + niue);
        }
    }

    @Test
    void aRowByItsKeyIsFoundAsWhenTheKeyWasComparedAsText() throws Exception {
        long ticket = TICKETS.get(0);
        try (SubjectLookup lookup = open()) {
            assertThat(lookup.value("tickets", "id", Long.toString(ticket), "contact_id"))
                    .contains(GENERATED.get(0)[0]);
            assertThat(lookup.value("contacts", "id", Long.toString(bob), "email"))
                    .contains("Bob.Berger@Example.com");
            // the text of the id is what matches: no leading zeros, signs or spaces
            assertThat(lookup.value("contacts", "id", "0" + bob, "email")).isEmpty();
            assertThat(lookup.value("contacts", "id", "+" + bob, "email")).isEmpty();
            assertThat(lookup.value("contacts", "id", " " + bob, "email")).isEmpty();
            // not a number, or beyond bigint: no row, not an error
            assertThat(lookup.value("contacts", "id", "bob", "email")).isEmpty();
            assertThat(lookup.value("contacts", "id", "99999999999999999999", "email")).isEmpty();
            // a text key column compares as text
            assertThat(lookup.value("contacts", "email", "Bob.Berger@Example.com", "id"))
                    .contains(Long.toString(bob));
            assertThat(lookup.value("contacts", "first_name", "nobody", "id")).isEmpty();
        }
    }

    /** The phone query as it was: every contact's digits compared. */
    private static final String UNINDEXED_PHONE =
            "SELECT id::text, phone, mobile FROM contacts WHERE"
                    + " right(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), ?::int) = ?"
                    + " OR right(regexp_replace(coalesce(mobile, ''), '[^0-9]', '', 'g'), ?::int) = ?";

    /** The phone lookup as it was: every contact's digits compared, then libphonenumber. */
    private static SortedSet<String> unindexedPhone(Connection c, String e164) throws Exception {
        PhoneNumber number = PhoneNumberUtil.getInstance().parse(e164, "ZZ");
        String national = PhoneNumberUtil.getInstance().getNationalSignificantNumber(number);
        String tail = national.substring(Math.max(0, national.length() - 6));
        SortedSet<String> ids = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(UNINDEXED_PHONE)) {
            ps.setString(1, Integer.toString(tail.length()));
            ps.setString(2, tail);
            ps.setString(3, Integer.toString(tail.length()));
            ps.setString(4, tail);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (JdbcSubjectLookup.sameNumber(number, rs.getString(2))
                            || JdbcSubjectLookup.sameNumber(number, rs.getString(3))) {
                        ids.add("contact:" + rs.getString(1));
                    }
                }
            }
        }
        return ids;
    }

    private static SortedSet<String> ids(Connection c, String sql, String parameter)
            throws Exception {
        SortedSet<String> ids = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add("contact:" + rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** EXPLAIN of the statement with its values bound, as the driver first runs it. */
    private static JsonNode customPlan(String sql, List<String> parameters) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + sql)) {
            for (int k = 0; k < parameters.size(); k++) {
                ps.setString(k + 1, parameters.get(k));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return JSON.readTree(rs.getString(1));
            }
        }
    }

    /**
     * EXPLAIN of the generic plan PostgreSQL may switch a server-prepared statement to (the driver
     * prepares a statement on the server after a few executions).
     */
    private static JsonNode genericPlan(String sql, List<String> parameters) throws Exception {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++n);
            } else {
                numbered.append(ch);
            }
        }
        StringBuilder types = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int k = 0; k < n; k++) {
            types.append(k == 0 ? "" : ", ").append("text");
            values.append(k == 0 ? "" : ", ")
                    .append('\'')
                    .append(parameters.get(k).replace("'", "''"))
                    .append('\'');
        }
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE lookup (" + types + ") AS " + numbered);
            try (ResultSet rs =
                    st.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE lookup (" + values + ")")) {
                rs.next();
                return JSON.readTree(rs.getString(1));
            } finally {
                st.execute("DEALLOCATE lookup");
                st.execute("RESET plan_cache_mode");
            }
        }
    }

    /** The relations a plan reads with a sequential scan. */
    private static List<String> seqScans(JsonNode plan) {
        List<String> relations = new ArrayList<>();
        collectSeqScans(plan, relations);
        return relations;
    }

    private static void collectSeqScans(JsonNode node, List<String> relations) {
        if (node.isObject()) {
            if ("Seq Scan".equals(node.path("Node Type").asText())) {
                relations.add(node.path("Relation Name").asText());
            }
        }
        for (JsonNode child : node) {
            collectSeqScans(child, relations);
        }
    }

    private static String chain(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    private static SubjectLookup open() throws Exception {
        Connection c = db.getConnection();
        c.setReadOnly(true);
        return new JdbcSubjectLookup(c);
    }

    private static long contact(String email, String phone, String mobile, String handle)
            throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO contacts (first_name, email, phone, mobile,"
                                        + " twitter_handle) VALUES ('X', ?, ?, ?, ?)"
                                        + " RETURNING id")) {
            ps.setString(1, email);
            ps.setString(2, phone);
            ps.setString(3, mobile);
            ps.setString(4, handle);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
