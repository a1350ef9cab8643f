package dev.gatehouse.secrets.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A finished clone: its working tree with the checked-out commit. It holds no credential (neither
 * the working tree nor {@code .git/config} contains the secret). Immutable.
 *
 * @param directory the working tree
 * @param ref the checked-out ref's full name ({@code refs/heads/main}), or the commit id for a tag
 * @param commitId the checked-out commit's id (40 hex digits)
 */
public record ClonedRepository(Path directory, String ref, String commitId) {

    /** @throws NullPointerException if an argument is null */
    public ClonedRepository {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(commitId, "commitId");
    }

    /**
     * Deletes the working tree and the folder itself; symbolic links are deleted, never followed.
     * Idempotent.
     *
     * @throws UncheckedIOException if something cannot be deleted
     */
    public void delete() {
        deleteTree(directory, false);
    }

    /** Deletes {@code root}'s content, and {@code root} too unless {@code keepRoot}. */
    static void deleteTree(Path root, boolean keepRoot) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    if (!keepRoot || !dir.equals(root)) {
                        Files.deleteIfExists(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
