package dev.lethe.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every schema under {@code avro/} stays fully compatible (backward and forward, Avro's {@link
 * SchemaCompatibility} in both directions) with its newest released version, the same path in the
 * highest {@code released/<version>/} that holds it: jobs of the previous release read what the new
 * ones write, and the other way round, so jobs can be upgraded one at a time and old topics (the
 * audit log, receipts) replayed. A schema without a released baseline must be listed in {@code
 * new-schemas.txt}, and a schema with one must not be (its check would be skipped). The release
 * procedure is in {@code schemas/README.md}.
 *
 * <p>Each {@code .avsc} file is parsed on its own, so it must be self-contained (named types it
 * uses are defined inline), as all Lethe schemas are today.
 */
class SchemaCompatibilityTest {

    private static final Path CURRENT = Path.of("avro");
    private static final Path RELEASED = Path.of("released");
    private static final Path NEW_SCHEMAS = Path.of("new-schemas.txt");

    @TestFactory
    Stream<DynamicTest> everySchemaIsFullyCompatibleWithItsNewestRelease() {
        Map<String, Path> baselines = newestBaselines(RELEASED);
        Set<String> declaredNew = declaredNewSchemas();
        List<String> schemas = schemaPaths(CURRENT);
        assertThat(schemas).as("schemas under %s", CURRENT.toAbsolutePath()).isNotEmpty();
        return schemas.stream()
                .map(
                        schema ->
                                dynamicTest(
                                        schema,
                                        () -> {
                                            Path released = baselines.get(schema);
                                            if (released == null) {
                                                assertThat(declaredNew)
                                                        .as(
                                                                "%s has no baseline under %s; list it in %s if it is new",
                                                                schema, RELEASED, NEW_SCHEMAS)
                                                        .contains(schema);
                                                return;
                                            }
                                            assertThat(
                                                            fullIncompatibilities(
                                                                    parse(CURRENT.resolve(schema)),
                                                                    parse(released)))
                                                    .as("%s against %s", schema, released)
                                                    .isEmpty();
                                        }));
    }

    @Test
    void noSchemaWithAReleasedBaselineIsListedAsNew() {
        assertThat(listedAsNewButReleased(declaredNewSchemas(), newestBaselines(RELEASED)))
                .as(
                        "schemas listed in %s that have a baseline under %s (their"
                                + " compatibility check would be skipped): remove them from the list",
                        NEW_SCHEMAS, RELEASED)
                .isEmpty();
    }

    @Test
    void aListedSchemaWithABaselineIsReported() {
        Map<String, Path> baselines =
                Map.of("dev/lethe/events/AuditEntry.avsc", Path.of("released/0.2.0"));

        assertThat(
                        listedAsNewButReleased(
                                Set.of(
                                        "dev/lethe/events/AuditEntry.avsc",
                                        "dev/lethe/events/Brand.avsc"),
                                baselines))
                .containsExactly("dev/lethe/events/AuditEntry.avsc");
    }

    @Test
    void theSchemasWrittenToPermanentStoresHaveABaseline() {
        // the audit log (lethe.audit, lethe.audit.checkpoints), the purge receipts
        // (lethe.purge.receipts), the normalized changes and dead letters
        assertThat(newestBaselines(RELEASED))
                .containsKeys(
                        "dev/lethe/events/AuditEntry.avsc",
                        "dev/lethe/events/AuditCheckpoint.avsc",
                        "dev/lethe/events/PurgeReceipt.avsc",
                        "dev/lethe/events/ChangeEvent.avsc",
                        "dev/lethe/events/DeadLetter.avsc");
    }

    @Test
    void eachSchemaIsComparedWithItsNewestReleasedVersion() {
        Map<String, Path> baselines = newestBaselines(RELEASED);

        assertThat(baselines.get("dev/lethe/events/ChangeEvent.avsc"))
                .isEqualTo(latestRelease().resolve("dev/lethe/events/ChangeEvent.avsc"));
        assertThat(baselines.values()).allSatisfy(file -> assertThat(file).isRegularFile());
    }

    @Test
    void noReleasedSchemaWasRemoved() {
        assertThat(schemaPaths(CURRENT))
                .as("schemas released under %s", RELEASED)
                .containsAll(newestBaselines(RELEASED).keySet());
    }

    @Test
    void everySchemaListedAsNewExists() {
        assertThat(schemaPaths(CURRENT)).containsAll(declaredNewSchemas());
    }

    @Test
    void theCheckAcceptsAnOptionalFieldWithDefault() {
        Schema released = record("{\"name\": \"id\", \"type\": \"string\"}");
        Schema current =
                record(
                        "{\"name\": \"id\", \"type\": \"string\"},"
                                + " {\"name\": \"note\", \"type\": [\"null\", \"string\"], \"default\": null}");

        assertThat(fullIncompatibilities(current, released)).isEmpty();
    }

    @Test
    void theCheckRejectsAFieldAddedWithoutDefault() {
        Schema released = record("{\"name\": \"id\", \"type\": \"string\"}");
        Schema current =
                record(
                        "{\"name\": \"id\", \"type\": \"string\"},"
                                + " {\"name\": \"note\", \"type\": \"string\"}");

        assertThat(fullIncompatibilities(current, released))
                .anySatisfy(problem -> assertThat(problem).contains("note"));
    }

    @Test
    void theCheckRejectsARemovedFieldThatOldReadersNeed() {
        Schema released =
                record(
                        "{\"name\": \"id\", \"type\": \"string\"},"
                                + " {\"name\": \"note\", \"type\": \"string\"}");
        Schema current = record("{\"name\": \"id\", \"type\": \"string\"}");

        assertThat(fullIncompatibilities(current, released))
                .anySatisfy(problem -> assertThat(problem).contains("note"));
    }

    @Test
    void theCheckRejectsAnEnumSymbolOldReadersDoNotKnow() {
        Schema released = enumRecord("\"INSERT\", \"DELETE\"");
        Schema current = enumRecord("\"INSERT\", \"DELETE\", \"TRUNCATE\"");

        assertThat(fullIncompatibilities(current, released))
                .anySatisfy(problem -> assertThat(problem).contains("TRUNCATE"));
    }

    /** Problems in either direction: current reading released data, released reading current. */
    static List<String> fullIncompatibilities(Schema current, Schema released) {
        return Stream.concat(
                        incompatibilities("current reads released", current, released),
                        incompatibilities("released reads current", released, current))
                .collect(Collectors.toList());
    }

    private static Stream<String> incompatibilities(
            String direction, Schema reader, Schema writer) {
        List<Incompatibility> found =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                        .getResult()
                        .getIncompatibilities();
        return found.stream()
                .map(
                        problem ->
                                direction
                                        + ": "
                                        + problem.getType()
                                        + " at "
                                        + problem.getLocation()
                                        + ": "
                                        + problem.getMessage());
    }

    /** Listed schemas that have a released baseline: the list would skip their check. */
    static List<String> listedAsNewButReleased(
            Set<String> declaredNew, Map<String, Path> baselines) {
        return declaredNew.stream()
                .filter(baselines::containsKey)
                .sorted()
                .collect(Collectors.toList());
    }

    /**
     * Each released schema (path relative to its version directory) and its file in the newest
     * release that holds it.
     */
    static Map<String, Path> newestBaselines(Path released) {
        Map<String, Path> newest = new TreeMap<>();
        for (Path version : releases(released)) {
            for (String schema : schemaPaths(version)) {
                newest.put(schema, version.resolve(schema)); // later versions win
            }
        }
        return newest;
    }

    /** The release directories, oldest first. */
    private static List<Path> releases(Path released) {
        try (Stream<Path> versions = Files.list(released)) {
            List<Path> sorted =
                    versions.filter(Files::isDirectory)
                            .sorted(
                                    Comparator.comparing(
                                            SchemaCompatibilityTest::versionOf, VERSION_ORDER))
                            .collect(Collectors.toList());
            if (sorted.isEmpty()) {
                throw new AssertionError("no released baseline under " + released.toAbsolutePath());
            }
            return sorted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path latestRelease() {
        try (Stream<Path> versions = Files.list(RELEASED)) {
            return versions.filter(Files::isDirectory)
                    .max(Comparator.comparing(SchemaCompatibilityTest::versionOf, VERSION_ORDER))
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no released baseline under "
                                                    + RELEASED.toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Comparator<int[]> VERSION_ORDER = (a, b) -> java.util.Arrays.compare(a, b);

    private static int[] versionOf(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.matches("\\d+(\\.\\d+)*")) {
            throw new AssertionError("not a release version directory: " + dir);
        }
        return Stream.of(name.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    private static List<String> schemaPaths(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".avsc"))
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> declaredNewSchemas() {
        try (Stream<String> lines = Files.lines(NEW_SCHEMAS)) {
            return lines.map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }

    private static Schema record(String fields) {
        return new Schema.Parser()
                .parse(
                        "{\"type\": \"record\", \"name\": \"Probe\", \"namespace\": \"dev.lethe.test\","
                                + " \"fields\": ["
                                + fields
                                + "]}");
    }

    private static Schema enumRecord(String symbols) {
        return record(
                "{\"name\": \"op\", \"type\": {\"type\": \"enum\", \"name\": \"Op\", \"symbols\": ["
                        + symbols
                        + "]}}");
    }
}
