package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Local users in a real PostgreSQL: added, listed, disabled, reset; hashes only, never clear. */
class JdbcUserStoreITCase {

    static EmbeddedPostgres pg;
    static JdbcUserStore store;
    static final Passwords PASSWORDS = new Passwords();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        store = new JdbcUserStore(pg.getPostgresDatabase()).ensureSchema();
        store.ensureSchema(); // twice: idempotent
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @Test
    void usersAreKeptWithTheirArgon2idHashAndCanBeDisabledAndReset() throws Exception {
        String first = "first password!";
        store.add("dana", Role.DPO, PASSWORDS.hash(first));
        store.add("otto", Role.AUDITOR, PASSWORDS.hash("another password"));
        assertThatThrownBy(() -> store.add("dana", Role.ADMIN, PASSWORDS.hash(first)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exists already");

        assertThat(store.list()).extracting(User::name).containsExactly("dana", "otto");
        UserStore.Credentials c = store.credentials("dana").orElseThrow();
        assertThat(c.user().role()).isEqualTo(Role.DPO);
        assertThat(c.passwordHash()).startsWith("$argon2id$").doesNotContain(first);
        assertThat(PASSWORDS.matches(first, c.passwordHash())).isTrue();
        try (Connection conn = pg.getPostgresDatabase().getConnection();
                Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + JdbcUserStore.TABLE)) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    assertThat(String.valueOf(rs.getObject(i))).doesNotContain(first);
                }
            }
        }

        assertThat(store.disable("dana")).isTrue();
        assertThat(store.credentials("dana").orElseThrow().user().disabled()).isTrue();
        assertThat(store.disable("nobody")).isFalse();

        String second = "second password";
        assertThat(store.resetPassword("dana", PASSWORDS.hash(second))).isTrue();
        UserStore.Credentials reset = store.credentials("dana").orElseThrow();
        assertThat(reset.user().disabled()).isFalse();
        assertThat(PASSWORDS.matches(second, reset.passwordHash())).isTrue();
        assertThat(PASSWORDS.matches(first, reset.passwordHash())).isFalse();
        assertThat(store.resetPassword("nobody", reset.passwordHash())).isFalse();
    }

    @Test
    void shortPasswordsAreRefused() {
        assertThatThrownBy(() -> PASSWORDS.hash("short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 12");
    }
}
