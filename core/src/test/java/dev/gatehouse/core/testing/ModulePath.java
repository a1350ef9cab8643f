package dev.gatehouse.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Launches a module's main class in a fresh JVM with {@code java --module-path}: the module's own
 * classes ({@code target/classes}, an exploded module) and its runtime dependencies, as Maven
 * wrote them to {@code target/runtime-path.txt} ({@code dependency:build-classpath}). Nothing is on
 * the class path, so a resource or service a module fails to make visible fails the launch.
 */
public final class ModulePath {

    private ModulePath() {}

    /** The module path of the module whose tests are running (its working directory). */
    public static String ofThisModule() {
        Path runtime = Path.of("target", "runtime-path.txt");
        try {
            String deps = Files.readString(runtime, StandardCharsets.UTF_8).strip();
            return Path.of("target", "classes").toAbsolutePath() + (deps.isEmpty() ? "" : File.pathSeparator + deps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runtime.toAbsolutePath()
                    + " (written by maven-dependency-plugin build-classpath in generate-test-resources)", e);
        }
    }

    /**
     * Starts {@code module/mainClass} with {@code args} on this module's module path, every
     * module on it resolved ({@code --add-modules ALL-MODULE-PATH}, as a host adds plugins), with
     * stderr merged into stdout.
     */
    public static Process start(Path workingDirectory, String module, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--module-path");
        command.add(ofThisModule());
        command.add("--add-modules");
        command.add("ALL-MODULE-PATH");
        command.add("--module");
        command.add(module + "/" + mainClass);
        command.addAll(Arrays.asList(args));
        try {
            return new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }
}
