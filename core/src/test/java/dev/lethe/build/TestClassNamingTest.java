package dev.lethe.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test class the repository holds runs in {@code ./mvnw verify}: a class under any module's
 * {@code src/test/java} that declares a test (JUnit {@code @Test}, {@code @ParameterizedTest}, ...,
 * jqwik {@code @Property}, {@code @Example}) must match surefire's includes (unit tests) or
 * failsafe's (ITCases, in a module that binds failsafe). Otherwise Maven silently skips it, as it
 * did for a retention property named {@code RetentionHistoryProperties}.
 *
 * <p>The include patterns are read from the root {@code pom.xml}, so the check follows the build's
 * configuration. It lives in core because every partial build of a job or the CLI ({@code -pl ...
 * -am}) builds core.
 */
class TestClassNamingTest {

    /** A test annotation at the start of a line (not a mention in a comment). */
    private static final Pattern TEST_ANNOTATION =
            Pattern.compile(
                    "(?m)^\\s*@(?:[\\w.]+\\.)?(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate"
                            + "|Property|Example)\\b");

    /** The include patterns of surefire and failsafe, relative to {@code src/test/java}. */
    record Includes(List<String> surefire, List<String> failsafe) {}

    @Test
    void everyClassWithTestsIsRunBySurefireOrFailsafe() throws IOException {
        Path root = repositoryRoot();
        Includes includes = includesOf(root.resolve("pom.xml"));
        List<String> problems = new ArrayList<>();
        int testClasses = 0;
        try (Stream<Path> children = Files.list(root)) {
            for (Path module : children.sorted().collect(Collectors.toList())) {
                Path tests = module.resolve("src/test/java");
                if (!Files.isDirectory(tests) || !Files.exists(module.resolve("pom.xml"))) {
                    continue;
                }
                boolean failsafe = bindsFailsafe(module.resolve("pom.xml"));
                List<String> optIn = profileIncludes(module.resolve("pom.xml"));
                for (Path file : javaFiles(tests)) {
                    String source = Files.readString(file);
                    if (!declaresTests(source)) {
                        continue;
                    }
                    testClasses++;
                    String relative = tests.relativize(file).toString().replace('\\', '/');
                    if (!declaresClassNamedLikeItsFile(source, file)) {
                        // surefire matches the compiled class's name, not the file's
                        problems.add(
                                module.getFileName()
                                        + "/src/test/java/"
                                        + relative
                                        + " declares tests in a class not named like its file:"
                                        + " rename the class to "
                                        + simpleName(file));
                    }
                    if (optIn.stream().anyMatch(glob -> matches(glob, relative))) {
                        continue; // run on request by a profile of its module (e.g. the soak)
                    }
                    problem(module.getFileName().toString(), relative, includes, failsafe)
                            .ifPresent(problems::add);
                }
            }
        }
        assertThat(testClasses).as("test classes found under %s", root).isGreaterThan(50);
        assertThat(problems).as("test classes that ./mvnw verify would skip").isEmpty();
    }

    @Test
    void aClassWithTestsNamedLikeNeitherPatternIsReportedWithTheFix() {
        Optional<String> problem =
                problem(
                        "jobs",
                        "dev/lethe/jobs/retention/RetentionHistoryProperties.java",
                        BUILD,
                        true);

        assertThat(problem)
                .hasValueSatisfying(
                        message ->
                                assertThat(message)
                                        .contains("RetentionHistoryProperties")
                                        .contains("jobs/src/test/java")
                                        .contains("RetentionHistoryPropertiesTest")
                                        .contains("RetentionHistoryPropertiesITCase"));
    }

    @Test
    void unitTestsAndITCasesInAModuleBindingFailsafeAreAccepted() {
        assertThat(problem("core", "dev/lethe/a/PurgeGuardTest.java", BUILD, true)).isEmpty();
        assertThat(problem("core", "dev/lethe/a/StoreITCase.java", BUILD, true)).isEmpty();
        assertThat(problem("core", "TopLevelTest.java", BUILD, false)).isEmpty();
    }

    @Test
    void nearMissesAreReported() {
        assertThat(problem("core", "dev/lethe/a/PurgeGuardTests.java", BUILD, true)).isPresent();
        assertThat(problem("core", "dev/lethe/a/TestPurgeGuard.java", BUILD, true)).isPresent();
        assertThat(problem("core", "dev/lethe/a/StoreIT.java", BUILD, true)).isPresent();
    }

    @Test
    void anITCaseInAModuleThatDoesNotBindFailsafeIsReported() {
        assertThat(problem("schemas", "dev/lethe/a/StoreITCase.java", BUILD, false))
                .hasValueSatisfying(
                        message ->
                                assertThat(message)
                                        .contains("StoreITCase")
                                        .contains("maven-failsafe-plugin")
                                        .contains("schemas/pom.xml"));
    }

    @Test
    void theScanSeesJUnitAndJqwikTestsButNotMentionsInComments() {
        assertThat(declaresTests("class A {\n    @Test\n    void a() {}\n}")).isTrue();
        assertThat(declaresTests("class A {\n  @Property(tries = 5)\n  void a() {}\n}")).isTrue();
        assertThat(declaresTests("class A {\n  @ParameterizedTest\n  void a() {}\n}")).isTrue();
        assertThat(declaresTests("class A {\n  @net.jqwik.api.Property\n  void a() {}\n}"))
                .isTrue();
        assertThat(declaresTests("/**\n * Helpers for {@link Test} classes.\n */\nclass A {}"))
                .isFalse();
        assertThat(declaresTests("class A {\n  @TestData\n  int a;\n}")).isFalse();
    }

    @Test
    void aTestClassNamedUnlikeItsFileIsNoticed() {
        Path file = Path.of("RetentionHistoryPropertiesTest.java");

        assertThat(declaresClassNamedLikeItsFile("class RetentionHistoryProperties {}", file))
                .isFalse();
        assertThat(declaresClassNamedLikeItsFile("class RetentionHistoryPropertiesTest {}", file))
                .isTrue();
    }

    @Test
    void theIncludesAreReadFromTheRootPom() {
        Includes includes = includesOf(repositoryRoot().resolve("pom.xml"));

        assertThat(includes.surefire()).contains("**/*Test.java");
        assertThat(includes.failsafe()).contains("**/*ITCase.java");
    }

    @Test
    void aModulesProfilesNameTheTestsTheyRunOnRequest() {
        assertThat(profileIncludes(repositoryRoot().resolve("system-tests/pom.xml")))
                .contains("**/*Soak.java");
        assertThat(profileIncludes(repositoryRoot().resolve("core/pom.xml"))).isEmpty();
    }

    @Test
    void globsMatchLikeSurefiresIncludes() {
        assertThat(matches("**/*Test.java", "FooTest.java")).isTrue();
        assertThat(matches("**/*Test.java", "a/b/FooTest.java")).isTrue();
        assertThat(matches("**/*Test.java", "a/b/FooTest.javax")).isFalse();
        assertThat(matches("**/*Test.java", "a/FooTest/Bar.java")).isFalse();
        assertThat(matches("**/Test?.java", "a/TestA.java")).isTrue();
    }

    /** The includes of today's build, for the tests of the matching logic. */
    private static final Includes BUILD =
            new Includes(List.of("**/*Test.java"), List.of("**/*ITCase.java"));

    /**
     * Why a test class under {@code <module>/src/test/java/<relative>} would not run, or empty if
     * it runs.
     */
    static Optional<String> problem(
            String module, String relative, Includes includes, boolean moduleBindsFailsafe) {
        if (includes.surefire().stream().anyMatch(glob -> matches(glob, relative))) {
            return Optional.empty();
        }
        String where = module + "/src/test/java/" + relative;
        if (includes.failsafe().stream().anyMatch(glob -> matches(glob, relative))) {
            return moduleBindsFailsafe
                    ? Optional.empty()
                    : Optional.of(
                            where
                                    + " matches failsafe's includes, but "
                                    + module
                                    + "/pom.xml does not bind the maven-failsafe-plugin, so it"
                                    + " never runs: add"
                                    + " <plugin><groupId>org.apache.maven.plugins</groupId>"
                                    + "<artifactId>maven-failsafe-plugin</artifactId></plugin>"
                                    + " to its <build><plugins>, or make it a unit test");
        }
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        String name = file.endsWith(".java") ? file.substring(0, file.length() - 5) : file;
        return Optional.of(
                where
                        + " declares tests but ./mvnw verify never runs it: surefire runs "
                        + includes.surefire()
                        + ", failsafe "
                        + includes.failsafe()
                        + ". Rename "
                        + name
                        + " to "
                        + name
                        + "Test (a unit test) or "
                        + name
                        + "ITCase (needs the stack), or add an include to the surefire or failsafe"
                        + " configuration in the root pom.xml");
    }

    static boolean declaresClassNamedLikeItsFile(String source, Path file) {
        return Pattern.compile("\\b(class|record|interface|enum)\\s+" + simpleName(file) + "\\b")
                .matcher(source)
                .find();
    }

    private static String simpleName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".java".length());
    }

    static boolean declaresTests(String source) {
        return TEST_ANNOTATION.matcher(source).find();
    }

    /** Whether an Ant-style include ({@code **}/{@code *}/{@code ?}) matches a relative path. */
    static boolean matches(String glob, String relative) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return relative.matches(regex.toString());
    }

    /** The {@code <include>}s of surefire and failsafe in the root pom. */
    static Includes includesOf(Path pom) {
        String xml = read(pom);
        return new Includes(
                includesOfPlugin(xml, "maven-surefire-plugin"),
                includesOfPlugin(xml, "maven-failsafe-plugin"));
    }

    private static List<String> includesOfPlugin(String xml, String artifactId) {
        Matcher plugin =
                Pattern.compile(
                                "<artifactId>"
                                        + Pattern.quote(artifactId)
                                        + "</artifactId>(.*?)</plugin>",
                                Pattern.DOTALL)
                        .matcher(xml);
        List<String> includes = new ArrayList<>();
        while (plugin.find()) {
            Matcher include =
                    Pattern.compile("<include>\\s*([^<]+?)\\s*</include>").matcher(plugin.group(1));
            while (include.find()) {
                includes.add(include.group(1));
            }
        }
        if (includes.isEmpty()) {
            throw new AssertionError(
                    "no <include> of "
                            + artifactId
                            + " found in the root pom.xml: update "
                            + TestClassNamingTest.class.getName());
        }
        return includes;
    }

    /**
     * The include patterns of a module's Maven profiles: tests run only on request ({@code -P
     * <profile>}), such as the day-long soak, named there on purpose rather than forgotten.
     */
    static List<String> profileIncludes(Path pom) {
        Matcher profile =
                Pattern.compile("<profile>(.*?)</profile>", Pattern.DOTALL).matcher(read(pom));
        List<String> includes = new ArrayList<>();
        while (profile.find()) {
            Matcher include =
                    Pattern.compile("<include>\\s*([^<]+?)\\s*</include>")
                            .matcher(profile.group(1));
            while (include.find()) {
                includes.add(include.group(1));
            }
        }
        return includes;
    }

    private static boolean bindsFailsafe(Path pom) {
        return read(pom).contains("<artifactId>maven-failsafe-plugin</artifactId>");
    }

    /** The directory holding {@code mvnw}, from the working directory up. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no directory holding mvnw above " + Path.of("").toAbsolutePath());
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
