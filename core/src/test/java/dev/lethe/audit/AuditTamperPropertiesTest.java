package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.rfc8032Keys;
import static dev.lethe.audit.AuditLogs.signedLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.AuditLogs.SignedLog;
import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import java.util.Collections;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random logs and random single tamperings: clean logs never alarm, tampered ones always do. */
class AuditTamperPropertiesTest {

    private static final SigningKeys KEYS = rfc8032Keys();
    private final AuditVerifier verifier =
            new AuditVerifier(TreeHeadVerifier.trusting(KEYS.publicKey()));

    enum Tampering {
        FLIP_VALUE,
        FLIP_HASH,
        DELETE,
        DUPLICATE,
        SWAP_WITH_NEXT,
        SET_PREV_HASH
    }

    @Property(tries = 30)
    void aCleanLogOfAnyShapeVerifies(
            @ForAll @IntRange(min = 0, max = 300) int size,
            @ForAll @IntRange(min = 1, max = 40) int entities,
            @ForAll @IntRange(min = 1, max = 60) int every,
            @ForAll long seed) {
        SignedLog log = signedLog(size, entities, every, KEYS, seed);

        VerificationReport report = verifier.verify(log.entries(), log.checkpoints());

        assertThat(report.problems()).isEmpty();
    }

    @Property(tries = 120)
    void everySingleTamperingIsFoundAtTheTamperedPlace(
            @ForAll Tampering tampering,
            @ForAll @IntRange(min = 0, max = 148) int position,
            @ForAll @IntRange(min = 1, max = 20) int entities,
            @ForAll long seed) {
        SignedLog log = signedLog(150, entities, 30, KEYS, seed).copy();
        AuditEntry entry = log.entries().get(position);
        switch (tampering) {
            case FLIP_VALUE -> {
                ByteBuffer after = (ByteBuffer) entry.getChanges().get(0).getAfter();
                after.put(0, (byte) (after.get(0) ^ 1));
            }
            case FLIP_HASH -> {
                ByteBuffer hash = entry.getHash();
                hash.put(0, (byte) (hash.get(0) ^ 1));
            }
            case DELETE -> log.entries().remove(position);
            case DUPLICATE -> log.entries().add(position + 1, AuditEntry.newBuilder(entry).build());
            case SWAP_WITH_NEXT -> Collections.swap(log.entries(), position, position + 1);
            case SET_PREV_HASH -> {
                entry.setPrevHash(ByteBuffer.wrap(Sha256.of(new byte[] {7})));
                AuditLogs.rehash(entry);
            }
        }

        VerificationReport report = verifier.verify(log.entries(), log.checkpoints());

        assertThat(report.ok()).as("%s at %d", tampering, position).isFalse();
        assertThat(report.problems())
                .as("%s at %d: %s", tampering, position, report.describe())
                .filteredOn(Problem::isAboutEntry)
                .isNotEmpty()
                .anySatisfy(
                        p -> assertThat(p.position()).isBetween((long) position, position + 1L));
    }
}
