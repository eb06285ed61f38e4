package dev.lethe.testing;

import dev.lethe.local.ComponentRole;
import dev.lethe.local.StackSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line arguments every Lethe job takes when a test submits it to the shared stack:
 * where Kafka, Elasticsearch and PostgreSQL are (as the job's own users in Elasticsearch and
 * PostgreSQL, as {@code ./lethe up} runs it: the TaskManager holds no other password), a
 * dead-letter topic and a job name of the test's own, short checkpoint and idle intervals.
 */
public final class TestJobArgs {

    private TestJobArgs() {}

    /**
     * @param role the component whose store users the job signs in as
     * @param deadLetterSuffix the dead-letter topic is {@code lethe.deadletter.<suffix>}
     * @param jobName the Flink job's name
     * @param checkpointInterval e.g. {@code 2s}
     */
    public static List<String> of(
            StackSettings s,
            ComponentRole role,
            String deadLetterSuffix,
            String jobName,
            String checkpointInterval) {
        return new ArrayList<>(
                List.of(
                        "--kafka-bootstrap", s.kafkaBootstrap(),
                        "--elasticsearch-url", s.elasticsearchUrl().toString(),
                        "--elasticsearch-user", s.elasticsearchUserOf(role),
                        "--postgres-url", s.postgresJdbcUrl(),
                        "--postgres-user", s.postgresUserOf(role),
                        "--dead-letter-topic", "lethe.deadletter." + deadLetterSuffix,
                        "--checkpoint-interval", checkpointInterval,
                        "--idle-timeout", "2s",
                        "--job-name", jobName));
    }
}
