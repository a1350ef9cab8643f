package dev.gatehouse.examples.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes' work folders ({@code <dataDir>/processes/<id>}, owner-only), where
 * {@code crypto.exportAsFile} and {@code exportKeyAsFile} write decrypted secrets. A folder is
 * deleted, with everything in it, when its process ends on this node, whatever the final status;
 * {@link #sweep} removes those of processes that ended elsewhere (another node) or were never
 * committed (a crash). Thread-safe.
 */
final class WorkFolders {

    private static final Logger LOG = LoggerFactory.getLogger(WorkFolders.class);

    private final Path root;

    WorkFolders(Path root) {
        this.root = root;
    }

    /** Creates the folder of process {@code id}. */
    Path create(UUID id) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        }
        return Files.createDirectory(root.resolve(id.toString()),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Deletes the folder of process {@code id} and everything in it; logs (without names) if it cannot. */
    void delete(UUID id) {
        Path dir = root.resolve(id.toString());
        try {
            deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("process {}: cannot delete its work folder: {}", id, e.getClass().getName());
        }
    }

    /** Deletes the folders of the processes for which {@code ended} holds. */
    void sweep(Predicate<UUID> ended) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                UUID id;
                try {
                    id = UUID.fromString(dir.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (ended.test(id)) {
                    delete(id);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the process work folders: {}", e.getClass().getName());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfExists(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException e) {
            // gone already
        }
    }
}
