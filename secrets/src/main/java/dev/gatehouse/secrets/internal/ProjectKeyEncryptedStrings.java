package dev.gatehouse.secrets.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.secrets.EncryptedStrings;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link EncryptedStrings} with per-project data keys kept wrapped (a {@link SecretEnvelope} under the
 * server key, bound to org and project) in the {@link SecretStore}. Unwrapped keys are cached in a
 * Caffeine cache of at most {@value #CACHE_LIMIT} entries (least recently used go first): a
 * project's data key never changes (re-wrapping keeps it), so an entry cannot go stale. Thread-safe.
 */
public final class ProjectKeyEncryptedStrings implements EncryptedStrings {

    private static final int CACHE_LIMIT = 10_000;
    private static final int KCV_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretStore store;
    private final SecretEnvelope opener;
    private final Supplier<ServerKeyRing> sealing;
    private final Runnable heartbeat;
    private final Cache<String, DataKey> cache = Caffeine.newBuilder().maximumSize(CACHE_LIMIT).build();

    /** Concord's AES-128 key for its encrypted strings: {@code MD5(projectSecretSalt || projectKey)}. */
    private static final int CONCORD_KEY_BYTES = 16;
    private static final int DATA_KEY_BYTES = 32;

    /**
     * A project's keys: the data key of {@code gh1.} strings and, for a project migrated from Concord,
     * the key its Concord strings were encrypted under (kept in the same wrapped record, after the data key).
     */
    private record DataKey(SecretKey key, byte[] checkValue, SecretKey concordKey) {}

    /**
     * Encrypted strings whose project keys live in {@code store}, opened with {@code ring} and wrapped
     * under the ring {@code sealing} gives (the cluster's primary); {@code heartbeat} runs before each call.
     */
    ProjectKeyEncryptedStrings(SecretStore store, ServerKeyRing ring, Supplier<ServerKeyRing> sealing, Runnable heartbeat) {
        this.store = store;
        this.opener = SecretEnvelope.withServerKeys(ring);
        this.sealing = sealing;
        this.heartbeat = heartbeat;
    }

    private static byte[] wrapBinding(String org, String project) {
        return new Codec.Writer().string("gatehouse/project-key/v1").string(org).string(project).toByteArray();
    }

    private static byte[] aad(String org, String project) {
        return new Codec.Writer().string("gatehouse/encrypted-string/v1").string(org).string(project).toByteArray();
    }

    private DataKey key(String org, String project, boolean create) {
        Names.org(org);
        Names.project(project);
        String cacheKey = org + "\u0000" + project;
        DataKey k = cache.getIfPresent(cacheKey);
        if (k != null) {
            return k;
        }
        Optional<byte[]> wrapped = store.findProjectKey(org, project);
        if (wrapped.isEmpty()) {
            if (!create) {
                return null;
            }
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            try {
                wrapped = Optional.of(store.insertProjectKeyIfAbsent(org, project,
                        SecretEnvelope.withServerKeys(sealing.get()).seal(raw, wrapBinding(org, project))));
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }
        byte[] raw = opener.open(wrapped.get(), wrapBinding(org, project));
        try {
            byte[] dataKey = Arrays.copyOf(raw, DATA_KEY_BYTES);
            SecretKey concord = raw.length == DATA_KEY_BYTES + CONCORD_KEY_BYTES
                    ? new SecretKeySpec(raw, DATA_KEY_BYTES, CONCORD_KEY_BYTES, "AES") : null;
            k = new DataKey(new SecretKeySpec(dataKey, "AES"), checkValue(dataKey), concord);
            Arrays.fill(dataKey, (byte) 0);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        cache.put(cacheKey, k);
        return k;
    }

    private static byte[] checkValue(byte[] raw) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal("gatehouse/key-check-value".getBytes(StandardCharsets.US_ASCII)), KCV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String encrypt(String org, String project, String value) {
        heartbeat.run();
        DataKey k = key(org, project, true);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] plain = value.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, k.key(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(k.checkValue());
            c.updateAAD(aad(org, project));
            byte[] ct = c.doFinal(plain);
            byte[] out = new byte[KCV_BYTES + NONCE_BYTES + ct.length];
            System.arraycopy(k.checkValue(), 0, out, 0, KCV_BYTES);
            System.arraycopy(nonce, 0, out, KCV_BYTES, NONCE_BYTES);
            System.arraycopy(ct, 0, out, KCV_BYTES + NONCE_BYTES, ct.length);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    @Override
    public String decrypt(String org, String project, String encrypted) {
        heartbeat.run();
        if (!encrypted.startsWith(PREFIX)) {
            DataKey k = key(org, project, false);
            if (k == null || k.concordKey() == null) {
                // A migration run elsewhere may have added a Concord key since this node cached the project's.
                cache.invalidate(org + "\u0000" + project);
                k = key(org, project, false);
            }
            if (k != null && k.concordKey() != null) {
                return decryptConcord(org, project, k.concordKey(), encrypted);
            }
            throw new SecretException(Kind.INVALID_INPUT, "Not a Gatehouse encrypted string: it does not start with '"
                    + PREFIX + "' (Concord's encrypted strings must be migrated first)");
        }
        byte[] raw;
        String body = encrypted.substring(PREFIX.length());
        try {
            raw = Base64.getUrlDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            raw = null;
        }
        if (raw == null) {
            throw new SecretException(Kind.INVALID_INPUT, "Not a Gatehouse encrypted string: the text after '"
                    + PREFIX + "' is not base64url");
        }
        if (raw.length < KCV_BYTES + NONCE_BYTES + TAG_BYTES) {
            throw new SecretException(Kind.CORRUPTED, "The encrypted string is truncated: " + raw.length
                    + " bytes, at least " + (KCV_BYTES + NONCE_BYTES + TAG_BYTES) + " expected");
        }
        DataKey k = key(org, project, false);
        if (k == null || !ConstantTime.equals(k.checkValue(), Arrays.copyOf(raw, KCV_BYTES))) {
            throw new SecretException(Kind.ACCESS_DENIED, "The encrypted string was not encrypted for project "
                    + org + "/" + project + ": it belongs to another project");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, k.key(), new GCMParameterSpec(TAG_BYTES * 8, raw, KCV_BYTES, NONCE_BYTES));
            c.updateAAD(k.checkValue());
            c.updateAAD(aad(org, project));
            byte[] plain = c.doFinal(raw, KCV_BYTES + NONCE_BYTES, raw.length - KCV_BYTES - NONCE_BYTES);
            try {
                // The decoder ignores unused low bits of the last character: accept one spelling per value.
                if (!Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(body)) {
                    throw new SecretException(Kind.INVALID_INPUT, "Not a Gatehouse encrypted string: the text after '"
                            + PREFIX + "' is not canonical unpadded base64url");
                }
                return new String(plain, StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            throw new SecretException(Kind.CORRUPTED, "The encrypted string was modified or truncated, or belongs to "
                    + "another project: it does not decrypt with the key of " + org + "/" + project);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * A Concord string (base64 of AES-ECB under the project's Concord key) of a project migrated from
     * Concord. Concord's format has no integrity check: bad padding (255 times in 256 for another key)
     * or a value that is not UTF-8 is refused as not this project's.
     */
    private static String decryptConcord(String org, String project, SecretKey key, String encrypted) {
        byte[] input;
        try {
            input = Base64.getDecoder().decode(encrypted.strip());
        } catch (IllegalArgumentException e) {
            throw new SecretException(Kind.INVALID_INPUT, "Not an encrypted string: it neither starts with '" + PREFIX
                    + "' nor is a Concord encrypted string (base64)");
        }
        byte[] k = key.getEncoded();
        byte[] plain;
        try {
            plain = ConcordFormats.decryptWithKey(input, k);
        } catch (SecretException e) {
            throw new SecretException(Kind.ACCESS_DENIED, "The Concord encrypted string was not encrypted for project "
                    + org + "/" + project + ", or it was modified");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
        char[] chars = ConcordFormats.strictUtf8(plain);
        Arrays.fill(plain, (byte) 0);
        if (chars == null) {
            throw new SecretException(Kind.ACCESS_DENIED, "The Concord encrypted string was not encrypted for project "
                    + org + "/" + project + ", or it was modified");
        }
        try {
            return new String(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** What {@link #importConcordKey} did. */
    public enum ConcordKeyImport {
        /** The project now holds the Concord key. */
        ADDED,
        /** The project held this very key already (a second migration). */
        ALREADY_PRESENT,
        /** The project holds another Concord key; nothing changed. */
        CONFLICT
    }

    /**
     * Adds a Concord project's string key ({@code MD5(projectSecretSalt || projectKey)}, 16 bytes) to
     * the project's wrapped keys, creating the project's data key if it has none; keeps an existing
     * data key, so {@code gh1.} strings stay readable. Safe to run again and concurrently.
     */
    public ConcordKeyImport importConcordKey(String org, String project, byte[] concordKey) {
        if (concordKey.length != CONCORD_KEY_BYTES) {
            throw new IllegalArgumentException("a Concord string key has " + CONCORD_KEY_BYTES + " bytes");
        }
        Names.org(org);
        Names.project(project);
        heartbeat.run();
        byte[] binding = wrapBinding(org, project);
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<byte[]> wrapped = store.findProjectKey(org, project);
            byte[] raw = wrapped.isPresent() ? opener.open(wrapped.get(), binding) : new byte[DATA_KEY_BYTES];
            try {
                if (wrapped.isEmpty()) {
                    RANDOM.nextBytes(raw);
                } else if (raw.length == DATA_KEY_BYTES + CONCORD_KEY_BYTES) {
                    return ConstantTime.equals(Arrays.copyOfRange(raw, DATA_KEY_BYTES, raw.length), concordKey)
                            ? ConcordKeyImport.ALREADY_PRESENT : ConcordKeyImport.CONFLICT;
                }
                byte[] combined = Arrays.copyOf(raw, DATA_KEY_BYTES + CONCORD_KEY_BYTES);
                System.arraycopy(concordKey, 0, combined, DATA_KEY_BYTES, CONCORD_KEY_BYTES);
                byte[] sealed;
                try {
                    sealed = SecretEnvelope.withServerKeys(sealing.get()).seal(combined, binding);
                } finally {
                    Arrays.fill(combined, (byte) 0);
                }
                boolean done = wrapped.isEmpty()
                        ? Arrays.equals(store.insertProjectKeyIfAbsent(org, project, sealed), sealed)
                        : store.replaceProjectKey(org, project, wrapped.get(), sealed);
                if (done) {
                    cache.invalidate(org + "\u0000" + project);
                    return ConcordKeyImport.ADDED;
                }
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }
        throw new SecretException(Kind.CONFLICT, "The key of project " + org + "/" + project
                + " kept changing while the Concord key was added; run the migration again");
    }

    /** What {@link #rewrapAll()} did. */
    record Rewrapped(int moved, int failed) {}

    /** Re-wraps every project key under {@code sealing}'s primary key; a key that does not open is counted, not fatal. */
    Rewrapped rewrapAll(ServerKeyRing sealing) {
        SecretEnvelope sealer = SecretEnvelope.withServerKeys(sealing);
        int moved = 0;
        int failed = 0;
        for (SecretStore.ProjectKeyId id : store.projectKeys()) {
            String org = id.org();
            String project = id.project();
            try {
                Optional<byte[]> wrapped = store.findProjectKey(org, project);
                if (wrapped.isEmpty()
                        || SecretEnvelope.header(wrapped.get()).serverKeyId().orElse("").equals(sealing.primaryId())) {
                    continue;
                }
                byte[] raw = opener.open(wrapped.get(), wrapBinding(org, project));
                try {
                    if (store.replaceProjectKey(org, project, wrapped.get(),
                            sealer.seal(raw, wrapBinding(org, project)))) {
                        moved++;
                    } else {
                        failed++;
                    }
                } finally {
                    Arrays.fill(raw, (byte) 0);
                }
            } catch (SecretException e) {
                failed++;
            }
        }
        return new Rewrapped(moved, failed);
    }
}
