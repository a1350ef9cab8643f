package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

/** A store in this JVM's memory, for tests and development. Thread-safe; every operation is atomic. */
public final class InMemorySecretStore implements SecretStore {

    private final Map<String, StoredSecret> secrets = new ConcurrentSkipListMap<>();
    private final Map<String, byte[]> projectKeys = new ConcurrentHashMap<>();
    private final AtomicReference<KeyRingRecord> keyRing = new AtomicReference<>();

    private static String key(String org, String name) {
        return org + "\u0000" + name;
    }

    private static boolean isExactly(StoredSecret current, SecretMetadata expected) {
        return current.metadata().id().equals(expected.id()) && current.metadata().version() == expected.version();
    }

    @Override
    public Optional<StoredSecret> find(String org, String name) {
        return Optional.ofNullable(secrets.get(key(org, name)));
    }

    @Override
    public List<StoredSecret> list(String org) {
        List<StoredSecret> out = new ArrayList<>();
        for (StoredSecret s : secrets.values()) {
            if (s.metadata().org().equals(org)) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(s -> s.metadata().name()));
        return out;
    }

    @Override
    public List<StoredSecret> listAll() {
        return new ArrayList<>(secrets.values());
    }

    @Override
    public void insert(StoredSecret secret) {
        if (secrets.putIfAbsent(key(secret.metadata().org(), secret.metadata().name()), secret) != null) {
            throw new SecretException(SecretException.Kind.ALREADY_EXISTS, "Secret already exists: " + secret.metadata().name());
        }
    }

    @Override
    public boolean replace(SecretMetadata expected, StoredSecret next) {
        SecretStore.requireSameRecord(expected, next);
        // ConcurrentSkipListMap may run the function more than once under contention: only the last
        // run counts, so the flag is set from each run, never just raised.
        boolean[] done = {false};
        secrets.computeIfPresent(key(expected.org(), expected.name()), (k, current) -> {
            done[0] = isExactly(current, expected);
            return done[0] ? next : current;
        });
        return done[0];
    }

    @Override
    public boolean delete(SecretMetadata expected) {
        boolean[] done = {false};
        secrets.computeIfPresent(key(expected.org(), expected.name()), (k, current) -> {
            done[0] = isExactly(current, expected);
            return done[0] ? null : current;
        });
        return done[0];
    }

    @Override
    public Optional<byte[]> findProjectKey(String org, String project) {
        return Optional.ofNullable(projectKeys.get(key(org, project)));
    }

    @Override
    public byte[] insertProjectKeyIfAbsent(String org, String project, byte[] wrapped) {
        byte[] prior = projectKeys.putIfAbsent(key(org, project), wrapped);
        return prior == null ? wrapped : prior;
    }

    @Override
    public boolean replaceProjectKey(String org, String project, byte[] expected, byte[] wrapped) {
        boolean[] done = {false};
        projectKeys.computeIfPresent(key(org, project), (k, current) -> {
            done[0] = ConstantTime.equals(current, expected);
            return done[0] ? wrapped : current;
        });
        return done[0];
    }

    @Override
    public List<ProjectKeyId> projectKeys() {
        List<ProjectKeyId> out = new ArrayList<>();
        for (String k : projectKeys.keySet()) {
            String[] p = k.split("\u0000", 2);
            out.add(new ProjectKeyId(p[0], p[1]));
        }
        return out;
    }

    @Override
    public Optional<KeyRingRecord> findKeyRing() {
        return Optional.ofNullable(keyRing.get());
    }

    @Override
    public boolean replaceKeyRing(long expectedVersion, byte[] content) {
        KeyRingRecord current = keyRing.get();
        long currentVersion = current == null ? 0 : current.version();
        return currentVersion == expectedVersion
                && keyRing.compareAndSet(current, new KeyRingRecord(expectedVersion + 1, content.clone()));
    }

    @Override
    public String toString() {
        return "InMemorySecretStore[" + secrets.size() + " secrets]";
    }
}
