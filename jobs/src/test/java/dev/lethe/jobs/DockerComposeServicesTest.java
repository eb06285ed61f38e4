package dev.lethe.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/}'s deployment heals itself like the local stack: every service that runs on is
 * restarted when it dies and has a health check; the one-shot steps (users, migrations, connector
 * registration, job submission) say so ({@code restart: "no"}).
 */
class DockerComposeServicesTest {

    private static JsonNode services() throws Exception {
        return new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(Path.of("..", "docker", "docker-compose.yml")))
                .path("services");
    }

    @Test
    void everyServiceThatRunsOnIsRestartedAndHealthChecked() throws Exception {
        List<String> runningOn = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e :
                (Iterable<Map.Entry<String, JsonNode>>) services()::fields) {
            JsonNode service = e.getValue();
            String restart = service.path("restart").asText("");
            assertThat(restart)
                    .as("%s says how it restarts", e.getKey())
                    .isIn("no", "unless-stopped", "always");
            if (!restart.equals("no")) {
                runningOn.add(e.getKey());
                assertThat(service.path("healthcheck").path("test").isMissingNode())
                        .as("%s has a health check", e.getKey())
                        .isFalse();
            }
        }
        assertThat(runningOn)
                .containsExactlyInAnyOrder(
                        "postgres",
                        "kafka",
                        "connect",
                        "elasticsearch",
                        "jobmanager",
                        "taskmanager");
    }
}
