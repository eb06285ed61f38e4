package dev.lethe.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where every part of Lethe's stack lives: the local data directory, the ports of the processes the
 * local stack starts, their heap sizes, and, in external mode, the addresses and credentials of
 * servers that already exist. A component given an external address is not started; it is only
 * checked.
 */
public record StackSettings(
        Path home,
        Path dataDir,
        Path elasticsearchDir,
        int postgresPort,
        int kafkaPort,
        int kafkaControllerPort,
        int connectPort,
        int elasticsearchPort,
        int elasticsearchTransportPort,
        int flinkPort,
        String kafkaHeap,
        String connectHeap,
        String elasticsearchHeap,
        String flinkHeap,
        String flinkStateBackend,
        Optional<String> externalPostgresUrl,
        String postgresUser,
        String postgresPassword,
        Optional<String> externalKafkaBootstrap,
        Optional<URI> externalConnectUrl,
        Optional<URI> externalElasticsearchUrl,
        String elasticsearchUser,
        Optional<String> elasticsearchPassword,
        Optional<URI> externalFlinkUrl,
        String serverHost,
        int serverPort) {

    public static final String DATABASE = "helpdesk";
    public static final String CONNECTOR = "helpdesk";

    public String postgresJdbcUrl() {
        return externalPostgresUrl.orElse(
                "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + DATABASE);
    }

    public String kafkaBootstrap() {
        return externalKafkaBootstrap.orElse("127.0.0.1:" + kafkaPort);
    }

    public URI connectUrl() {
        return externalConnectUrl.orElse(URI.create("http://127.0.0.1:" + connectPort));
    }

    public URI elasticsearchUrl() {
        return externalElasticsearchUrl.orElse(URI.create("http://127.0.0.1:" + elasticsearchPort));
    }

    public URI flinkUrl() {
        return externalFlinkUrl.orElse(URI.create("http://127.0.0.1:" + flinkPort));
    }

    /** Where Lethe's server (the REST API and console) answers. */
    public URI serverUrl() {
        String host = serverHost.contains(":") ? "[" + serverHost + "]" : serverHost;
        String reach = "0.0.0.0".equals(serverHost) || "::".equals(serverHost) ? "127.0.0.1" : host;
        return URI.create("http://" + reach + ":" + serverPort);
    }

    public boolean managesPostgres() {
        return externalPostgresUrl.isEmpty();
    }

    public boolean managesKafka() {
        return externalKafkaBootstrap.isEmpty();
    }

    public boolean managesConnect() {
        return externalConnectUrl.isEmpty();
    }

    public boolean managesElasticsearch() {
        return externalElasticsearchUrl.isEmpty();
    }

    public boolean managesFlink() {
        return externalFlinkUrl.isEmpty();
    }

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    public Path stateFile() {
        return dataDir.resolve("stack.json");
    }

    public Path secretsDir() {
        return dataDir.resolve("secrets");
    }
}
