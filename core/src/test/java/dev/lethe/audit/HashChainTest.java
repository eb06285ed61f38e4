package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.contactUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.HashChain.Head;
import dev.lethe.audit.HashChain.Link;
import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HashChainTest {

    private final EntryHasher hasher = new EntryHasher();

    @Test
    void theFirstEntryLinksToZerosAndEachNextOneToItsPredecessor() {
        AuditEntry first = contactUpdate(42, "new", "open").setLogIndex(0).build();
        AuditEntry second = contactUpdate(42, "open", "closed").setLogIndex(1).build();

        Head afterFirst = HashChain.append(null, first, hasher);
        Head afterSecond = HashChain.append(afterFirst, second, hasher);

        assertThat(first.getSeq()).isEqualTo(1);
        assertThat(Hex.toArray(first.getPrevHash())).isEqualTo(new byte[32]);
        assertThat(Hex.toArray(first.getHash())).isEqualTo(hasher.hash(first));
        assertThat(afterFirst).isEqualTo(new Head(1, hasher.hash(first)));
        assertThat(second.getSeq()).isEqualTo(2);
        assertThat(Hex.toArray(second.getPrevHash())).isEqualTo(afterFirst.hash());
        assertThat(afterSecond.hash()).isEqualTo(Hex.toArray(second.getHash()));
    }

    @Test
    void checkTellsNextBrokenGapAndBehind() {
        AuditEntry first = contactUpdate(42, "new", "open").build();
        Head head = HashChain.append(null, first, hasher);
        AuditEntry second = contactUpdate(42, "open", "closed").setLogIndex(1).build();
        HashChain.append(head, second, hasher);

        assertThat(HashChain.check(null, first)).isEqualTo(Link.NEXT);
        assertThat(HashChain.check(head, second)).isEqualTo(Link.NEXT);
        assertThat(HashChain.check(head, first)).isEqualTo(Link.BEHIND);
        assertThat(HashChain.check(null, second)).isEqualTo(Link.GAP);

        second.setPrevHash(ByteBuffer.wrap(new byte[32]));
        assertThat(HashChain.check(head, second)).isEqualTo(Link.BROKEN);
    }

    @Test
    void aChangedEarlierEntryNoLongerMatchesTheHashItsSuccessorLinksTo() {
        AuditEntry first = contactUpdate(42, "new", "open").build();
        Head head = HashChain.append(null, first, hasher);

        first.getChanges().get(1).setAfter("tampered");

        assertThat(hasher.hash(first)).isNotEqualTo(head.hash());
    }
}
