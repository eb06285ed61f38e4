package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.audit.TableShapes.SchemaChange;
import dev.lethe.jobs.audit.TableShapes.Seen;
import dev.lethe.jobs.audit.TableShapes.Shape;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableShapesTest {

    private static final Set<String> CONTACT =
            columns("id", "email", "phone", "created_at", "deleted_at");
    private static final Set<String> WITH_NICKNAME =
            columns("id", "email", "phone", "created_at", "deleted_at", "nickname");

    /** The shapes of every table, as the operator keeps them: what the tests drive. */
    private final Map<String, Shape> state = new HashMap<>();

    private final List<SchemaChange> reported = new ArrayList<>();

    private void change(String table, Set<String> columns, long lsn) {
        Seen seen = TableShapes.see(state.get(table), table, columns, at(table, lsn));
        if (seen.next() != null) {
            state.put(table, seen.next());
        }
        if (seen.change() != null) {
            reported.add(seen.change());
        }
    }

    @Test
    void theFirstChangeOfATableEstablishesItsShapeWithoutAReport() {
        change("contacts", CONTACT, 100);

        assertThat(reported).isEmpty();
        assertThat(state.get("contacts").columns())
                .containsExactly("created_at", "deleted_at", "email", "id", "phone");
        assertThat(state.get("contacts").lsn()).isEqualTo(100);
    }

    @Test
    void changesOfTheSameColumnsReportNothingAndKeepTheEstablishingLsn() {
        change("contacts", CONTACT, 100);
        change("contacts", CONTACT, 108);
        // the same set in another order is the same shape
        change("contacts", columns("phone", "email", "id", "deleted_at", "created_at"), 116);

        assertThat(reported).isEmpty();
        assertThat(state.get("contacts").lsn()).isEqualTo(100);
    }

    @Test
    void anAddedColumnIsReportedOnceWithTheLsnItWasFirstSeenAt() {
        change("contacts", CONTACT, 100);
        change("contacts", WITH_NICKNAME, 200);
        change("contacts", WITH_NICKNAME, 208);

        assertThat(reported)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.table()).isEqualTo("contacts");
                            assertThat(c.added()).containsExactly("nickname");
                            assertThat(c.removed()).isEmpty();
                            assertThat(c.columns())
                                    .containsExactly(
                                            "created_at",
                                            "deleted_at",
                                            "email",
                                            "id",
                                            "nickname",
                                            "phone");
                            assertThat(c.firstLsn()).isEqualTo(200);
                            assertThat(c.source().getCommitTime())
                                    .isEqualTo(Instant.ofEpochMilli(200_000));
                        });
        assertThat(state.get("contacts")).isEqualTo(Shape.of(WITH_NICKNAME, 200));
    }

    @Test
    void aDroppedColumnIsReportedAsRemoved() {
        change("contacts", WITH_NICKNAME, 100);
        change("contacts", CONTACT, 300);

        assertThat(reported)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.added()).isEmpty();
                            assertThat(c.removed()).containsExactly("nickname");
                            assertThat(c.firstLsn()).isEqualTo(300);
                        });
    }

    @Test
    void aRenameIsOneColumnRemovedAndOneAddedInOneReport() {
        change("contacts", CONTACT, 100);
        change("contacts", columns("id", "email", "phone_number", "created_at", "deleted_at"), 200);

        assertThat(reported)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.added()).containsExactly("phone_number");
                            assertThat(c.removed()).containsExactly("phone");
                        });
    }

    @Test
    void severalColumnsAreSorted() {
        change("contacts", columns("id", "b", "z"), 100);
        change("contacts", columns("id", "y", "a"), 200);

        assertThat(reported.get(0).added()).containsExactly("a", "y");
        assertThat(reported.get(0).removed()).containsExactly("b", "z");
    }

    @Test
    void stragglersFromAnotherPartitionReadLateNeverMakeTheShapeFlap() {
        // partition 0 is ahead: the migration's first change is read before partition 1's older
        // ones, and partition 1's first change of the new shape is older than partition 0's
        change("contacts", CONTACT, 100); // p0
        change("contacts", WITH_NICKNAME, 220); // p0, after the migration
        change("contacts", CONTACT, 150); // p1, before it
        change("contacts", CONTACT, 190); // p1, before it
        change("contacts", WITH_NICKNAME, 210); // p1, after it
        change("contacts", WITH_NICKNAME, 230); // p0

        assertThat(reported).extracting(SchemaChange::firstLsn).containsExactly(220L);
        assertThat(state.get("contacts")).isEqualTo(Shape.of(WITH_NICKNAME, 220));
    }

    @Test
    void aColumnAddedThenDroppedIsTwoReportsEvenWhenPartitionsInterleave() {
        change("contacts", CONTACT, 100); // p0
        change("contacts", CONTACT, 400); // p0, after the column was added and dropped again
        change("contacts", WITH_NICKNAME, 250); // p1, while the column existed
        change("contacts", CONTACT, 410); // p0
        change("contacts", WITH_NICKNAME, 260); // p1, a straggler now

        assertThat(reported)
                .extracting(c -> c.firstLsn() + " +" + c.added() + " -" + c.removed())
                .containsExactly("250 +[nickname] -[]", "410 +[] -[nickname]");
    }

    @Test
    void tablesAreApart() {
        change("contacts", CONTACT, 100);
        change("tickets", columns("id", "subject"), 110);
        change("contacts", CONTACT, 120);

        assertThat(reported).isEmpty();
        assertThat(state).containsOnlyKeys("contacts", "tickets");
    }

    @Test
    void aChangeAtTheEstablishingLsnWithOtherColumnsIsNotAReport() {
        change("contacts", CONTACT, 100);
        change("contacts", WITH_NICKNAME, 100);

        assertThat(reported).isEmpty();
    }

    @Test
    void theShapeRestoredFromItsBytesDecidesAlike() {
        change("contacts", CONTACT, 100);
        change("contacts", WITH_NICKNAME, 200);
        byte[] stored = state.get("contacts").toBytes();

        Shape restored = Shape.fromBytes(stored);
        assertThat(restored).isEqualTo(state.get("contacts"));
        state.put("contacts", restored);
        change("contacts", CONTACT, 150); // a straggler: still ignored
        change("contacts", WITH_NICKNAME, 300);
        change("contacts", CONTACT, 400); // dropped again

        assertThat(reported).extracting(SchemaChange::firstLsn).containsExactly(200L, 400L);
    }

    @Test
    void readingOnWithoutStateEstablishesQuietly() {
        // a job restored from a savepoint of a version without shapes: it reads on from where it
        // was, with no shape kept; the first change read establishes it, whatever came before
        change("contacts", WITH_NICKNAME, 210);
        change("contacts", CONTACT, 190); // a straggler of another partition
        change("contacts", WITH_NICKNAME, 220);

        assertThat(reported).isEmpty();
    }

    @Test
    void aJobStartedWithoutStateReportsWhatTheFirstRunReported() {
        // a job started without state reads the raw topics from their start again
        Runnable changes =
                () -> {
                    change("contacts", CONTACT, 100);
                    change("contacts", WITH_NICKNAME, 200);
                    change("contacts", WITH_NICKNAME, 210);
                };
        changes.run();
        List<SchemaChange> first = List.copyOf(reported);

        state.clear();
        reported.clear();
        changes.run();

        assertThat(first).hasSize(1);
        assertThat(reported).isEqualTo(first);
    }

    @Test
    void stateOfAnUnknownFormatIsRefused() {
        byte[] stored = Shape.of(CONTACT, 100).toBytes();
        stored[0] = 9;

        assertThatThrownBy(() -> Shape.fromBytes(stored))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format 9");
    }

    private static Set<String> columns(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** A change of {@code table} at {@code lsn}, committed at {@code lsn} seconds. */
    static SourcePosition at(String table, long lsn) {
        return new SourcePosition(
                lsn,
                7L,
                Instant.ofEpochMilli(lsn * 1000),
                Instant.ofEpochMilli(lsn * 1000 + 40),
                false,
                "helpdesk.public." + table,
                0,
                lsn);
    }
}
