package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A store in a directory: one file per secret under {@code secrets/<hex org>/<hex name>.secret}, one
 * per project key under {@code project-keys/<hex org>/<hex project>.key}, and the key-ring record in
 * {@code key-ring}. Names are hex-encoded so no name can form a path. Directories are created
 * {@code rwx------} and files {@code rw-------}. A record file found under another record's path
 * (copied over it) is refused as corrupted, never returned as the record asked for.
 *
 * <p>Every write goes to a temporary file in the same directory, is forced to disk ({@code fsync}),
 * then atomically renamed over the old file, and the directory is forced too: a crash or failure at
 * any point leaves either the old or the new record, never a torn one. Mutations hold a lock per
 * directory in this JVM and an OS file lock on {@code .lock}, so neither two instances nor two
 * processes sharing the directory lose updates. A file system that fails is a
 * {@link BackendUnavailableException}. Thread-safe.
 */
public final class FileSecretStore implements SecretStore {

    /** Called after the temporary file is written and before it replaces the record: lets tests fail a write. */
    @FunctionalInterface
    public interface WriteHook {
        /** Runs before {@code temporary} replaces the record; throwing aborts the write. */
        void beforeCommit(Path temporary) throws IOException;
    }

    /** The backend name in failure messages. */
    static final String BACKEND = "file secret store";

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /** One lock per directory in this JVM: OS file locks are per process, not per thread or instance. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final WriteHook hook;
    private final ReentrantLock lock;
    private final boolean posix;

    /**
     * A store in {@code root}, created owner-only if missing.
     *
     * @throws BackendUnavailableException if the directory cannot be created
     */
    public FileSecretStore(Path root) {
        this(root, temp -> { });
    }

    /** A store in {@code root} that calls {@code hook} before every commit (tests). */
    public FileSecretStore(Path root, WriteHook hook) {
        this.root = root.toAbsolutePath();
        this.hook = hook;
        this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            createDirectories(this.root);
            this.lock = LOCKS.computeIfAbsent(this.root.toRealPath(), p -> new ReentrantLock());
        } catch (IOException e) {
            throw failure("cannot create the secret store directory " + this.root, e);
        }
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private Path secretFile(String org, String name) {
        return root.resolve("secrets").resolve(hex(org)).resolve(hex(name) + ".secret");
    }

    private Path projectKeyFile(String org, String project) {
        return root.resolve("project-keys").resolve(hex(org)).resolve(hex(project) + ".key");
    }

    @Override
    public Optional<StoredSecret> find(String org, String name) {
        return read(secretFile(org, name)).map(b -> decodeAt(b, org, name));
    }

    /** Decodes the record stored for {@code org}/{@code name}; refuses one that names another record. */
    private static StoredSecret decodeAt(byte[] b, String org, String name) {
        StoredSecret s = Records.decode(b, org + "/" + name);
        if (!s.metadata().org().equals(org) || !s.metadata().name().equals(name)) {
            throw new SecretException(Kind.CORRUPTED, "The record file of secret " + org + "/" + name
                    + " holds another record: it was copied or moved there");
        }
        return s;
    }

    /** Decodes a file found while listing; its path says which record it must be. */
    private static StoredSecret decodeFile(Path f, byte[] b) {
        HexFormat hex = HexFormat.of();
        String file = f.getFileName().toString();
        try {
            String org = new String(hex.parseHex(f.getParent().getFileName().toString()), StandardCharsets.UTF_8);
            String name = new String(hex.parseHex(file.substring(0, file.length() - ".secret".length())),
                    StandardCharsets.UTF_8);
            return decodeAt(b, org, name);
        } catch (IllegalArgumentException e) {
            throw new SecretException(Kind.CORRUPTED, "Not a secret record file name: " + f);
        }
    }

    @Override
    public List<StoredSecret> list(String org) {
        List<StoredSecret> out = new ArrayList<>();
        Path dir = root.resolve("secrets").resolve(hex(org));
        if (Files.isDirectory(dir)) {
            readDir(dir, ".secret", out);
        }
        out.sort(Comparator.comparing(s -> s.metadata().name()));
        return out;
    }

    @Override
    public List<StoredSecret> listAll() {
        List<StoredSecret> out = new ArrayList<>();
        Path dir = root.resolve("secrets");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> orgs = Files.newDirectoryStream(dir)) {
            for (Path org : orgs) {
                readDir(org, ".secret", out);
            }
        } catch (IOException e) {
            throw failure("cannot list " + dir, e);
        }
        return out;
    }

    private void readDir(Path dir, String suffix, List<StoredSecret> out) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path f : files) {
                read(f).ifPresent(b -> out.add(decodeFile(f, b)));
            }
        } catch (IOException e) {
            throw failure("cannot list " + dir, e);
        }
    }

    @Override
    public void insert(StoredSecret secret) {
        String org = secret.metadata().org();
        String name = secret.metadata().name();
        mutate(() -> {
            Path f = secretFile(org, name);
            if (Files.exists(f)) {
                throw new SecretException(Kind.ALREADY_EXISTS, "Secret already exists: " + name);
            }
            write(f, Records.encode(secret));
            return null;
        });
    }

    private boolean isExactly(SecretMetadata expected) {
        Optional<StoredSecret> current = find(expected.org(), expected.name());
        return current.isPresent() && current.get().metadata().id().equals(expected.id())
                && current.get().metadata().version() == expected.version();
    }

    @Override
    public boolean replace(SecretMetadata expected, StoredSecret next) {
        SecretStore.requireSameRecord(expected, next);
        return mutate(() -> {
            if (!isExactly(expected)) {
                return false;
            }
            write(secretFile(expected.org(), expected.name()), Records.encode(next));
            return true;
        });
    }

    @Override
    public boolean delete(SecretMetadata expected) {
        return mutate(() -> {
            if (!isExactly(expected)) {
                return false;
            }
            Path f = secretFile(expected.org(), expected.name());
            boolean deleted = Files.deleteIfExists(f);
            if (deleted) {
                forceDirectory(f.getParent());
            }
            return deleted;
        });
    }

    @Override
    public Optional<byte[]> findProjectKey(String org, String project) {
        return read(projectKeyFile(org, project));
    }

    @Override
    public byte[] insertProjectKeyIfAbsent(String org, String project, byte[] wrapped) {
        return mutate(() -> {
            Optional<byte[]> existing = findProjectKey(org, project);
            if (existing.isPresent()) {
                return existing.get();
            }
            write(projectKeyFile(org, project), wrapped);
            return wrapped;
        });
    }

    @Override
    public boolean replaceProjectKey(String org, String project, byte[] expected, byte[] wrapped) {
        return mutate(() -> {
            Optional<byte[]> existing = findProjectKey(org, project);
            if (existing.isEmpty() || !ConstantTime.equals(existing.get(), expected)) {
                return false;
            }
            write(projectKeyFile(org, project), wrapped);
            return true;
        });
    }

    @Override
    public List<ProjectKeyId> projectKeys() {
        List<ProjectKeyId> out = new ArrayList<>();
        Path dir = root.resolve("project-keys");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        HexFormat hex = HexFormat.of();
        try (DirectoryStream<Path> orgs = Files.newDirectoryStream(dir)) {
            for (Path org : orgs) {
                try (DirectoryStream<Path> keys = Files.newDirectoryStream(org, "*.key")) {
                    for (Path k : keys) {
                        String file = k.getFileName().toString();
                        out.add(new ProjectKeyId(
                                new String(hex.parseHex(org.getFileName().toString()), StandardCharsets.UTF_8),
                                new String(hex.parseHex(file.substring(0, file.length() - 4)), StandardCharsets.UTF_8)));
                    }
                }
            }
        } catch (IOException e) {
            throw failure("cannot list " + dir, e);
        }
        return out;
    }

    @Override
    public Optional<KeyRingRecord> findKeyRing() {
        return read(root.resolve("key-ring")).map(FileSecretStore::decodeKeyRing);
    }

    private static KeyRingRecord decodeKeyRing(byte[] b) {
        try {
            Codec.Reader r = new Codec.Reader(b);
            return new KeyRingRecord(r.u64(), r.bytes());
        } catch (Codec.Truncated | IllegalArgumentException e) {
            throw new SecretException(Kind.CORRUPTED, "The key-ring record of the file secret store is unreadable");
        }
    }

    @Override
    public boolean replaceKeyRing(long expectedVersion, byte[] content) {
        return mutate(() -> {
            long current = findKeyRing().map(KeyRingRecord::version).orElse(0L);
            if (current != expectedVersion) {
                return false;
            }
            write(root.resolve("key-ring"), new Codec.Writer().u64(expectedVersion + 1).bytes(content).toByteArray());
            return true;
        });
    }

    private interface Mutation<T> {
        T run() throws IOException;
    }

    @SuppressWarnings("try") // the FileLock is held for the body, never referenced
    private <T> T mutate(Mutation<T> m) {
        lock.lock();
        try (FileChannel ch = FileChannel.open(root.resolve(".lock"), EnumSet.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE), fileAttributes(FILE));
                FileLock ignored = ch.lock()) {
            return m.run();
        } catch (IOException e) {
            throw failure("cannot write to the secret store " + root + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private Optional<byte[]> read(Path f) {
        try {
            return Optional.of(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + f, e);
        }
    }

    private void write(Path target, byte[] content) throws IOException {
        Path dir = target.getParent();
        createDirectories(dir);
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), fileAttributes(FILE))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            hook.beforeCommit(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void forceDirectory(Path dir) throws IOException {
        // Makes the rename durable; some platforms cannot open a directory, which is fine there.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (posix && !(e instanceof UnsupportedOperationException)) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }
    }

    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, fileAttributes(DIR));
        } catch (FileAlreadyExistsException e) {
            // another thread or process made it
        }
    }

    private FileAttribute<?>[] fileAttributes(Set<PosixFilePermission> perms) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    }

    private static BackendUnavailableException failure(String message, Exception e) {
        return new BackendUnavailableException(BACKEND, message, e);
    }

    @Override
    public String toString() {
        return "FileSecretStore[" + root + "]";
    }
}
