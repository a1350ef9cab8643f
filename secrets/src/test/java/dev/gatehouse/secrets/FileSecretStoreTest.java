package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.internal.FileSecretStore;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSecretStoreTest extends SecretStoreContract {

    @TempDir
    Path dir;

    @Override
    protected SecretStore open() {
        return SecretStore.file(dir.resolve("store"));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.toList();
        }
    }

    @Override
    protected byte[] rawContents() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Path p : files()) {
            if (Files.isRegularFile(p)) {
                out.write(Files.readAllBytes(p));
            }
        }
        return out.toByteArray();
    }

    @Test
    void filesAndDirectoriesAreOwnerOnly() throws IOException {
        store.insert(secret("acme", "perm", 1, new byte[] {1}));
        store.insertProjectKeyIfAbsent("acme", "p", new byte[] {1});
        for (Path p : files()) {
            String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertThat(perms).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }

    @Test
    void namesNeverBecomePaths() throws IOException {
        store.insert(secret("acme", "..", 1, new byte[] {1}));
        store.insert(secret("acme", "a/../../b", 1, new byte[] {2}));
        assertThat(store.find("acme", "a/../../b").orElseThrow().envelope()).containsExactly(2);
        for (Path p : files()) {
            assertThat(p.normalize()).startsWith(dir.resolve("store"));
        }
    }

    @Test
    void aWriteThatFailsBeforeTheRenameLeavesTheOldValueAndNoTemporaryFile() throws IOException {
        AtomicBoolean fail = new AtomicBoolean(false);
        SecretStore faulty = new FileSecretStore(dir.resolve("faulty"), temp -> {
            if (fail.get()) {
                // half of the new record reached the disk, then the process "crashed"
                byte[] content = Files.readAllBytes(temp);
                Files.write(temp, Arrays.copyOf(content, content.length / 2));
                throw new IOException("simulated crash mid-write");
            }
        });
        SecretManager secrets = Fixtures.manager(faulty, ServerKeyRing.generate("k1"));
        Caller alice = Fixtures.member();
        secrets.create(alice, NewSecret.builder("acme", "durable", SecretValue.ofString("old")).build());
        fail.set(true);
        assertThatThrownBy(() -> secrets.update(alice, "acme", "durable",
                SecretUpdate.builder().value(SecretValue.ofString("new")).build()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("simulated crash mid-write");
        fail.set(false);
        assertThat(((SecretValue.Data) secrets.read(alice, "acme", "durable")).asString()).isEqualTo("old");
        try (Stream<Path> s = Files.walk(dir.resolve("faulty"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
        SecretStore reopened = new FileSecretStore(dir.resolve("faulty"));
        assertThat(reopened.find("acme", "durable").orElseThrow().metadata().version()).isEqualTo(1);
    }

    @Test
    void twoStoreInstancesOnOneDirectoryWriteConcurrentlyWithoutErrors() throws Exception {
        SecretStore other = new FileSecretStore(dir.resolve("store"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (SecretStore s : List.of(store, other)) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        s.insert(secret("acme", "n-" + System.identityHashCode(s) + "-" + i, 1, new byte[] {1}));
                        s.insertProjectKeyIfAbsent("acme", "shared", new byte[] {(byte) System.identityHashCode(s)});
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.list("acme")).hasSize(100);
        assertThat(other.findProjectKey("acme", "shared")).isPresent();
    }

    @Test
    void aSecondStoreOnTheSameDirectorySeesTheSameRecords() {
        store.insert(secret("acme", "shared", 1, new byte[] {7}));
        SecretStore again = new FileSecretStore(dir.resolve("store"));
        assertThat(again.find("acme", "shared").orElseThrow().envelope()).containsExactly(7);
        StoredSecret read = again.find("acme", "shared").orElseThrow();
        assertThat(again.replace(read.metadata(), secret("acme", "shared", 2, new byte[] {8}))).isTrue();
        assertThat(store.replace(read.metadata(), secret("acme", "shared", 2, new byte[] {9}))).isFalse();
        assertThat(store.find("acme", "shared").orElseThrow().envelope()).containsExactly(8);
    }

    @Test
    void aRecordFileCopiedOverAnotherRecordsPathIsRefused() throws IOException {
        store.insert(secret("acme", "victim", 1, new byte[] {1}));
        store.insert(secret("acme", "attacker", 1, new byte[] {2}));
        Path orgDir = dir.resolve("store").resolve("secrets").resolve(hex("acme"));
        Files.copy(orgDir.resolve(hex("attacker") + ".secret"), orgDir.resolve(hex("victim") + ".secret"),
                StandardCopyOption.REPLACE_EXISTING);
        SecretManagerTest.assertKind(() -> store.find("acme", "victim"), SecretException.Kind.CORRUPTED);
        SecretManagerTest.assertKind(() -> store.list("acme"), SecretException.Kind.CORRUPTED);
        assertThat(store.find("acme", "attacker").orElseThrow().envelope()).containsExactly(2);
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
