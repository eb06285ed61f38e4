package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.simulator.HelpdeskMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The identifier lookups of the audit job against a real, migrated helpdesk database. */
class JdbcSubjectLookupITCase {

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static long bob;
    private static long viennese;
    private static long gone;

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
