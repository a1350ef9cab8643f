package dev.gatehouse.examples.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server's data folder: the H2 database and the keys generated on first start, each written
 * once with owner-only permissions (0600 in a 0700 folder).
 */
public final class DataDir {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;

    public DataDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(this.root)) {
                Files.createDirectories(this.root);
                Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data folder " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** A base64 key of {@code bytes} random bytes kept in {@code name}, generated on first use. */
    public String key(String name, int bytes) {
        return readOrCreate(name, () -> {
            byte[] k = new byte[bytes];
            RANDOM.nextBytes(k);
            return Base64.getEncoder().encodeToString(k);
        });
    }

    /** The content of {@code name}, written from {@code initial} (owner-only) if the file is absent. */
    public String readOrCreate(String name, Supplier<String> initial) {
        Path file = root.resolve(name);
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        String value = initial.get();
        try {
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return value;
        } catch (FileAlreadyExistsException e) {
            return read(file).orElseThrow(); // another instance won the race: use its value
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Makes every file directly in the folder owner-only (files that libraries created, such as H2's). */
    public void restrictFilesToOwner() {
        try (var files = Files.list(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict permissions in " + root, e);
        }
    }

    /** Whether {@code name} exists. */
    public boolean exists(String name) {
        return Files.exists(root.resolve(name));
    }

    private static Optional<String> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
