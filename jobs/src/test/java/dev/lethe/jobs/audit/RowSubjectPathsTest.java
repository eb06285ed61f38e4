package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.PersonalDataCatalog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RowSubjectPathsTest {

    private static final RowSubjectPaths PATHS =
            RowSubjectPaths.of(PersonalDataCatalog.loadDefault());

    @Test
    void aThreadIsKeptUnderItsTicketAndEveryOtherRowUnderItself() {
        assertThat(PATHS.resolutionKey(AuditTestData.threadInserted(9, 3, "x")))
                .isEqualTo("tickets/3");
        assertThat(PATHS.resolutionKey(AuditTestData.ticketInserted(3, 5, "s", "d")))
                .isEqualTo("tickets/3");
        assertThat(PATHS.resolutionKey(AuditTestData.contactInserted(5, "a@b.example", null)))
                .isEqualTo("contacts/5");
        assertThat(PATHS.followsTarget("comments")).isTrue();
        assertThat(PATHS.followsTarget("attachments")).isTrue();
        assertThat(PATHS.followsTarget("consents")).isFalse();
        assertThat(PATHS.isTarget("tickets")).isTrue();
        assertThat(PATHS.isTarget("contacts")).isFalse();
    }

    @Test
    void selfAndOneHopRowsNameTheirSubjectThemselves() {
        assertThat(PATHS.subjectOfRow(AuditTestData.contactInserted(5, "a@b.example", null)))
                .contains("contact:5");
        assertThat(PATHS.subjectOfRow(AuditTestData.ticketInserted(3, 5, "s", "d")))
                .contains("contact:5");
        assertThat(PATHS.subjectOfRow(AuditTestData.accountInserted(1, "GmbH"))).isEmpty();
        assertThat(PATHS.subjectOfRow(AuditTestData.threadInserted(9, 3, "x"))).isEmpty();
    }

    @Test
    void aPathOfThreeHopsIsRefusedNamingTheTable() throws IOException {
        String yaml;
        try (InputStream in =
                PersonalDataCatalog.class.getResourceAsStream(
                        PersonalDataCatalog.DEFAULT_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String threeHops =
                yaml.replace(
                        "  attachments:\n    subject:\n      via: ticket_id",
                        "  attachments:\n    subject:\n      via: thread_id");
        assertThat(threeHops).isNotEqualTo(yaml);
        PersonalDataCatalog catalog =
                PersonalDataCatalog.load(
                        new ByteArrayInputStream(threeHops.getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> RowSubjectPaths.of(catalog))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table attachments")
                .hasMessageContaining("3 hops")
                .hasMessageContaining("at most two");
    }
}
