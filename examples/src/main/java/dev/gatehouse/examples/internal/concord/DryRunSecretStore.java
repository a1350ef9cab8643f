package dev.gatehouse.examples.internal.concord;

import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A secret store for a dry run: reads see the real store overlaid with this run's writes, and writes
 * stay in memory, so that the migration runs the very code of a real run and the real store is never
 * changed (nor its key ring). Single-threaded use.
 */
final class DryRunSecretStore implements SecretStore {

    private final SecretStore real;
    private final Map<String, StoredSecret> secrets = new HashMap<>();
    private final Map<String, byte[]> projectKeys = new HashMap<>();
    private KeyRingRecord keyRing;

    DryRunSecretStore(SecretStore real) {
        this.real = real;
    }

    private static String key(String a, String b) {
        return a + "\u0000" + b;
    }

    @Override
    public Optional<StoredSecret> find(String org, String name) {
        StoredSecret s = secrets.get(key(org, name));
        return s != null ? Optional.of(s) : real.find(org, name);
    }

    @Override
    public List<StoredSecret> list(String org) {
        List<StoredSecret> out = new ArrayList<>(real.list(org));
        secrets.values().stream().filter(s -> s.metadata().org().equals(org)).forEach(out::add);
        return out;
    }

    @Override
    public List<StoredSecret> listAll() {
        List<StoredSecret> out = new ArrayList<>(real.listAll());
        out.addAll(secrets.values());
        return out;
    }

    @Override
    public void insert(StoredSecret secret) {
        if (find(secret.metadata().org(), secret.metadata().name()).isPresent()) {
            throw new SecretException(SecretException.Kind.ALREADY_EXISTS, "Secret already exists: " + secret.metadata().name());
        }
        secrets.put(key(secret.metadata().org(), secret.metadata().name()), secret);
    }

    @Override
    public boolean replace(SecretMetadata expected, StoredSecret next) {
        Optional<StoredSecret> current = find(expected.org(), expected.name());
        if (current.isEmpty() || !current.get().metadata().id().equals(expected.id())
                || current.get().metadata().version() != expected.version()) {
            return false;
        }
        secrets.put(key(expected.org(), expected.name()), next);
        return true;
    }

    @Override
    public boolean delete(SecretMetadata expected) {
        return false; // the migration never deletes
    }

    @Override
    public Optional<byte[]> findProjectKey(String org, String project) {
        byte[] k = projectKeys.get(key(org, project));
        return k != null ? Optional.of(k) : real.findProjectKey(org, project);
    }

    @Override
    public byte[] insertProjectKeyIfAbsent(String org, String project, byte[] wrapped) {
        Optional<byte[]> current = findProjectKey(org, project);
        if (current.isPresent()) {
            return current.get();
        }
        projectKeys.put(key(org, project), wrapped);
        return wrapped;
    }

    @Override
    public boolean replaceProjectKey(String org, String project, byte[] expected, byte[] wrapped) {
        Optional<byte[]> current = findProjectKey(org, project);
        if (current.isEmpty() || !Arrays.equals(current.get(), expected)) {
            return false;
        }
        projectKeys.put(key(org, project), wrapped);
        return true;
    }

    @Override
    public List<ProjectKeyId> projectKeys() {
        List<ProjectKeyId> out = new ArrayList<>(real.projectKeys());
        projectKeys.keySet().forEach(k -> {
            String[] p = k.split("\u0000", 2);
            ProjectKeyId id = new ProjectKeyId(p[0], p[1]);
            if (!out.contains(id)) {
                out.add(id);
            }
        });
        return out;
    }

    @Override
    public Optional<KeyRingRecord> findKeyRing() {
        return keyRing != null ? Optional.of(keyRing) : real.findKeyRing();
    }

    @Override
    public boolean replaceKeyRing(long expectedVersion, byte[] content) {
        long current = findKeyRing().map(KeyRingRecord::version).orElse(0L);
        if (current != expectedVersion) {
            return false;
        }
        keyRing = new KeyRingRecord(expectedVersion + 1, content);
        return true;
    }

    @Override
    public void close() {
        real.close();
    }
}
