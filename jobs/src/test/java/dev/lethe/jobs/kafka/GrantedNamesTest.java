package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.purge.ReceiptRelay;
import dev.lethe.jobs.retention.RetentionSettings;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The names the local broker's grants are written for ({@code dev.lethe.stack.KafkaAcls}, in a
 * module that does not see this one, and the table in docs/operations.md): the topics, consumer
 * groups and transactional ids of the jobs as the local stack runs them. A name changed here is a
 * job the broker refuses until the grant changes too.
 */
class GrantedNamesTest {

    private static JobSettings job(String name) {
        return JobSettings.of(
                        "h:1", URI.create("http://es:9200"), "elastic", "jdbc:postgresql:x", "pg")
                .withJobName(name);
    }

    @Test
    void theAuditJobsTopicsGroupsAndTransactions() {
        JobSettings audit = job("lethe-audit");
        assertThat(audit.auditTopic()).isEqualTo("lethe.audit");
        assertThat(audit.auditCheckpointTopic()).isEqualTo("lethe.audit.checkpoints");
        assertThat(audit.deadLetterTopic()).isEqualTo("lethe.deadletter");
        assertThat(AuditJob.PURGE_RECEIPTS_TOPIC).isEqualTo("lethe.purge.receipts");
        assertThat(AuditJob.AUDIT_REQUESTS_TOPIC).isEqualTo("lethe.audit.requests");
        assertThat(Replays.TOPIC).isEqualTo("lethe.replay");
        assertThat(audit.jobName()).isEqualTo("lethe-audit");
        assertThat(AuditJob.actionsGroupId(audit)).isEqualTo("lethe-audit-actions");
        assertThat(AuditJob.transactionalIdPrefix(audit, AuditJob.LOG_TRANSACTIONS))
                .isEqualTo("lethe-audit-lethe-audit-log");
        assertThat(AuditJob.transactionalIdPrefix(audit, AuditJob.CHECKPOINT_TRANSACTIONS))
                .isEqualTo("lethe-audit-lethe-audit-checkpoints");
    }

    @Test
    void theOtherJobsGroupsAndTopics() {
        assertThat(DiscoveryJob.JOB_NAME).isEqualTo("lethe-discovery");
        assertThat(RetentionSettings.JOB_NAME).isEqualTo("lethe-retention");
        assertThat(ReceiptRelay.DEFAULT_TOPIC).isEqualTo("lethe.purge.receipts");
        assertThat(RetentionSettings.defaults().receiptTopic())
                .isEqualTo(ReceiptRelay.DEFAULT_TOPIC);
    }

    @Test
    void everyRawTopicAJobReadsIsUnderTheRawPrefix() {
        JobSettings s = job("lethe-audit");
        assertThat(s.rawTopicPrefix()).isEqualTo("helpdesk");
        assertThat(s.rawTopics()).allMatch(t -> t.startsWith("helpdesk."));
        assertThat(s.transactionTopic()).isEqualTo("helpdesk.transaction");
    }

    @Test
    void theBrokerFindsEachUsersPasswordUnderTheNameTheJobsUse() {
        // dev.lethe.stack.KafkaBroker reads LETHE_KAFKA_PASSWORD_<USER> for each component's user
        assertThat(Secrets.kafkaPasswordOf("lethe_audit"))
                .isEqualTo("LETHE_KAFKA_PASSWORD_LETHE_AUDIT");
        assertThat(Secrets.kafkaPasswordFile("lethe_audit"))
                .isEqualTo("kafka-lethe_audit-password");
    }
}
