package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.Completeness.RawChange;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CompletenessTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private static RawChange raw(String entity, long lsn, long offset) {
        return new RawChange(entity, lsn, "helpdesk.public.contacts", 0, offset, T);
    }

    @Test
    void everyCapturedChangeLoggedOnceIsComplete() {
        Completeness c = new Completeness();
        c.captured(raw("contacts/1", 100, 0));
        c.captured(raw("contacts/1", 200, 1));
        c.captured(raw("contacts/2", 150, 2));
        c.logged("contacts/1", 100, 0);
        c.logged("contacts/2", 150, 1);
        c.logged("contacts/1", 200, 2);

        Completeness.Report r = c.report();

        assertThat(r.complete()).isTrue();
        assertThat(r.rawChanges()).isEqualTo(3);
        assertThat(r.entries()).isEqualTo(3);
    }

    @Test
    void aChangeWithoutEntryIsAGapNamedByItsRawPosition() {
        Completeness c = new Completeness();
        c.captured(raw("contacts/1858", 100, 5713));
        c.captured(raw("contacts/1858", 200, 5790));
        c.logged("contacts/1858", 200, 41);

        Completeness.Report r = c.report();

        assertThat(r.complete()).isFalse();
        assertThat(r.missing())
                .extracting(RawChange::describe)
                .containsExactly("contacts/1858 at LSN 100 (helpdesk.public.contacts-0@5713)");
    }

    @Test
    void aChangeLoggedTwiceIsADoubleWithBothIndexes() {
        Completeness c = new Completeness();
        c.captured(raw("contacts/1", 100, 0));
        c.logged("contacts/1", 100, 7);
        c.logged("contacts/1", 100, 3);

        Completeness.Report r = c.report();

        assertThat(r.complete()).isFalse();
        assertThat(r.doubled())
                .singleElement()
                .satisfies(d -> assertThat(d.logIndexes()).containsExactly(3L, 7L));
    }

    @Test
    void aRedeliveredRawEventIsOneChangeAndNotAnError() {
        Completeness c = new Completeness();
        c.captured(raw("contacts/1", 100, 0));
        c.captured(raw("contacts/1", 100, 9)); // Debezium after a connector restart
        c.logged("contacts/1", 100, 0);

        Completeness.Report r = c.report();

        assertThat(r.complete()).isTrue();
        assertThat(r.rawChanges()).isOne();
        assertThat(r.redelivered()).isOne();
    }

    @Test
    void entriesOlderThanTheRawTopicsAreCountedNotChecked() {
        Completeness c = new Completeness();
        c.captured(raw("contacts/1", 500, 0));
        c.logged("contacts/9", 10, 0); // its raw event left with the raw topics' retention
        c.logged("contacts/1", 500, 1);

        Completeness.Report r = c.report();

        assertThat(r.complete()).isTrue();
        assertThat(r.beyondRawRetention()).isOne();
    }
}
