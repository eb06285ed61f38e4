package dev.lethe.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Lethe checkout (or installation) the command runs from: where built modules are found. */
public final class LetheHome {

    private LetheHome() {}

    /** {@code -Dlethe.home} (set by {@code ./lethe}), else the nearest parent with a pom. */
    public static Path get() {
        String prop = System.getProperty("lethe.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("lethe")) && Files.isDirectory(p.resolve("stack"))) {
                return p;
            }
            p = p.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    /**
     * A module's build output directory: {@code <module>/target}, or {@code -Dlethe.target} when a
     * build with its own output directory runs its own modules.
     */
    public static Path moduleTarget(Path home, String module) {
        return home.resolve(module).resolve(System.getProperty("lethe.target", "target"));
    }

    /**
     * The classpath of a module as its own JVM: its classes (or jar) and its runtime dependencies,
     * as written by the build to {@code <module>/target/runtime.classpath}.
     */
    public static String moduleClasspath(Path home, String module) {
        Path target = moduleTarget(home, module);
        Path cpFile = target.resolve("runtime.classpath");
        if (!Files.isRegularFile(cpFile)) {
            throw new IllegalStateException(
                    "module '"
                            + module
                            + "' is not built ("
                            + cpFile
                            + " is missing): run ./mvnw -DskipTests install, or just ./lethe,"
                            + " which builds what it needs");
        }
        try {
            String deps = Files.readString(cpFile).trim();
            return String.join(
                    java.io.File.pathSeparator,
                    List.of(target.resolve("classes").toString(), deps));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + cpFile + ": " + e.getMessage(), e);
        }
    }

    /** The java executable running this JVM: child JVMs use the same one. */
    public static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
