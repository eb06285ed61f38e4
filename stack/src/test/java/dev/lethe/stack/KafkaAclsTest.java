package dev.lethe.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** What the local broker's grants allow, read off the bindings themselves. */
class KafkaAclsTest {

    static final List<AclBinding> ACLS = KafkaAcls.bindings("lethe", "lethe_capture");

    @Test
    void onlyCaptureWritesTheRawTopicsAndOnlyLetheWritesLethesTopics() {
        assertThat(allows("lethe_capture", "helpdesk.public.contacts", AclOperation.WRITE))
                .isTrue();
        assertThat(allows("lethe", "helpdesk.public.contacts", AclOperation.WRITE)).isFalse();
        assertThat(allows("lethe", "helpdesk.public.contacts", AclOperation.READ)).isTrue();
        assertThat(allows("lethe", "lethe.audit", AclOperation.WRITE)).isTrue();
        assertThat(allows("lethe_capture", "lethe.audit", AclOperation.WRITE)).isFalse();
        assertThat(allows("lethe_capture", "lethe.audit.requests", AclOperation.READ)).isFalse();
        assertThat(allows("lethe_capture", "lethe.capture.notifications", AclOperation.WRITE))
                .isTrue();
    }

    @Test
    void everyGrantIsAnAllowAndNoneIsForEveryone() {
        assertThat(ACLS)
                .allSatisfy(
                        b -> {
                            assertThat(b.entry().permissionType())
                                    .isEqualTo(AclPermissionType.ALLOW);
                            assertThat(b.entry().principal()).isNotEqualTo("User:*");
                        });
    }

    /** Whether a topic grant covers {@code op} (or ALL) on {@code topic} for {@code user}. */
    private static boolean allows(String user, String topic, AclOperation op) {
        return ACLS.stream()
                .filter(b -> b.entry().principal().equals("User:" + user))
                .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC)
                .filter(
                        b ->
                                b.pattern().patternType() == PatternType.PREFIXED
                                        ? topic.startsWith(b.pattern().name())
                                        : b.pattern().name().equals(topic))
                .anyMatch(
                        b ->
                                b.entry().operation() == op
                                        || b.entry().operation() == AclOperation.ALL);
    }
}
