package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the README's embedding example verbatim against the libraries a host has on its
 * class path, so the snippet newcomers copy can never drift from the API.
 */
class ReadmeEmbeddingTest {

    @TempDir
    Path work;

    @Test
    void theReadmeEmbeddingSnippetCompilesAsWritten() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("<!-- embedding:start -->");
        int end = readme.indexOf("<!-- embedding:end -->");
        assertThat(start).as("embedding markers in README.md").isPositive();
        String block = readme.substring(start, end);
        String source = block.substring(block.indexOf("```java\n") + 8, block.lastIndexOf("```"));
        Path file = work.resolve("Embedding.java");
        Files.writeString(file, source);

        String classPath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(Path.of("target", "runtime-path.txt")).strip();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(file.toFile());
            boolean ok = javac.getTask(diagnostics, files, null,
                    List.of("-classpath", classPath, "-d", work.toString(), "-Xlint:all", "-Werror"), null, units).call();
            assertThat(ok).as("README embedding snippet does not compile:%n%s", diagnostics).isTrue();
        }
    }
}
