package dev.gatehouse.secrets.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * A private key written to disk because the caller asked for a file: {@link #path()} is
 * {@code rw-------} inside its own {@code rwx------} folder. {@link #close()} overwrites the file
 * with zeros and deletes it and the folder. Not thread-safe.
 */
public final class TemporaryKeyFile implements AutoCloseable {

    private final Path folder;
    private final Path path;
    private boolean closed;

    private TemporaryKeyFile(Path folder, Path path) {
        this.folder = folder;
        this.path = path;
    }

    static TemporaryKeyFile write(Path parent, byte[] privateKey) {
        Objects.requireNonNull(parent, "parent");
        Path folder = null;
        Path file = null;
        try {
            folder = Files.createTempDirectory(parent, "gatehouse-ssh-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            file = Files.createFile(folder.resolve("id"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
                ByteBuffer buffer = ByteBuffer.wrap(privateKey);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            return new TemporaryKeyFile(folder, file);
        } catch (IOException e) {
            delete(folder, file);
            throw new UncheckedIOException("cannot write a private key file under " + parent + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** The private key file (OpenSSH format), e.g. for {@code ssh -i} or {@code GIT_SSH_COMMAND}. */
    public Path path() {
        return path;
    }

    /** The folder that holds only {@link #path()}. */
    public Path folder() {
        return folder;
    }

    /** Overwrites the key with zeros and deletes the file and its folder. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        delete(folder, path);
    }

    private static void delete(Path folder, Path file) {
        try {
            if (file != null && Files.exists(file)) {
                long size = Files.size(file);
                try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE));
                    while (zeros.hasRemaining()) {
                        out.write(zeros);
                    }
                    out.force(true);
                }
                Files.delete(file);
            }
            if (folder != null) {
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the private key file in " + folder + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "TemporaryKeyFile[" + path + (closed ? ", deleted" : "") + "]";
    }
}
