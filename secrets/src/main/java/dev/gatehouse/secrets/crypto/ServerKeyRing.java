package dev.gatehouse.secrets.crypto;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Settings;
import dev.gatehouse.secrets.KeyUnavailableException;
import dev.gatehouse.secrets.SecretManager;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The server keys ("environment specific key") that seal secrets without a store password. Each key
 * has an id that every envelope carries; new envelopes use the {@linkplain #primaryId() primary}
 * key, old ones open with the key their header names. How the primary moves safely on several
 * nodes is the {@link SecretManager}'s business (see the module README, "Key rotation").
 *
 * <p>Configured as base64 of at least 256 bits; the AES-256 key is derived from it with
 * HKDF-SHA256 (RFC 5869), so longer material is used in full. A second HKDF output, the
 * {@linkplain #checkValue(String) check value}, lets nodes compare their keys without showing them.
 * Key material is reachable only through {@link #insecureKey(String)}; {@code toString()} prints the
 * ids only. Immutable, thread-safe.
 */
public final class ServerKeyRing {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    private static final byte[] HKDF_INFO = "gatehouse/secrets/server-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_INFO = "gatehouse/secrets/server-key-check/v1".getBytes(StandardCharsets.US_ASCII);
    private static final int CHECK_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Key(SecretKey aes, String checkValue) {}

    private final String primaryId;
    private final Map<String, Key> keys;

    private ServerKeyRing(String primaryId, Map<String, Key> keys) {
        this.primaryId = primaryId;
        this.keys = Collections.unmodifiableMap(keys);
    }

    /**
     * A key ring from raw material.
     *
     * @param primaryId the id of the key for new envelopes
     * @param material key id to at least 32 bytes of key material; the arrays are not kept
     * @throws IllegalArgumentException if an id is malformed, material is shorter than 256 bits or the
     *     primary is not among the keys
     */
    public static ServerKeyRing of(String primaryId, Map<String, byte[]> material) {
        Map<String, Key> keys = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : material.entrySet()) {
            if (!ID.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("server key id must be 1-32 letters, digits, '_' or '-', starting "
                        + "with a letter or digit: '" + e.getKey() + "'");
            }
            if (e.getValue().length < 32) {
                throw new IllegalArgumentException("server key " + e.getKey() + " must have at least 256 bits, has "
                        + e.getValue().length * 8);
            }
            keys.put(e.getKey(), derive(e.getValue()));
        }
        if (!keys.containsKey(primaryId)) {
            throw new IllegalArgumentException("primary server key " + primaryId + " is not among the keys " + keys.keySet());
        }
        return new ServerKeyRing(primaryId, new LinkedHashMap<>(keys));
    }

    /** A ring with one freshly generated key: for tests and development only (it is lost on restart). */
    public static ServerKeyRing generate(String id) {
        byte[] material = generateKeyMaterial();
        try {
            return of(id, Map.of(id, material));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** 32 random bytes from {@link SecureRandom}, e.g. for a new {@code secrets.serverKey.<id>}. */
    public static byte[] generateKeyMaterial() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * Reads {@code serverKey.<id>=<base64>} (standard or URL-safe alphabet) and
     * {@code serverKey.primary=<id>} (optional when there is one key) from the {@code secrets}
     * settings, e.g. {@code secrets.serverKey.k1}.
     *
     * @throws ConfigurationException naming the setting that is missing or wrong, never its value
     */
    public static ServerKeyRing fromSettings(Settings settings) {
        Map<String, byte[]> material = new TreeMap<>();
        Optional<String> primary = Optional.empty();
        try {
            for (Map.Entry<String, String> e : settings.getPrefixed("serverKey").entrySet()) {
                String id = e.getKey();
                String key = "serverKey." + id;
                if (id.equals("primary")) {
                    primary = Optional.of(e.getValue()).filter(v -> !v.isBlank());
                    continue;
                }
                if (!ID.matcher(id).matches()) {
                    throw settings.invalid(key, "a key id must be 1-32 letters, digits, '_' or '-'");
                }
                String value = e.getValue();
                byte[] raw;
                try {
                    raw = value.contains("-") || value.contains("_") ? Base64.getUrlDecoder().decode(value)
                            : Base64.getDecoder().decode(value);
                } catch (IllegalArgumentException ex) {
                    throw settings.invalid(key, "not valid base64");
                }
                if (raw.length < 32) {
                    Arrays.fill(raw, (byte) 0);
                    throw settings.invalid(key, "must be at least 256 bits (32 bytes) of base64, was " + raw.length * 8
                            + " bits");
                }
                material.put(id, raw);
            }
            if (material.isEmpty()) {
                throw new ConfigurationException(settings.qualify("serverKey.<id>")
                        + ": required setting is missing (base64 of at least 256 bits)");
            }
            if (primary.isEmpty() && material.size() > 1) {
                throw settings.invalid("serverKey.primary", "required when more than one server key is configured "
                        + material.keySet());
            }
            String p = primary.orElseGet(() -> material.keySet().iterator().next());
            if (!material.containsKey(p)) {
                throw settings.invalid("serverKey.primary", "names key '" + p + "', which is not configured "
                        + material.keySet());
            }
            return of(p, material);
        } finally {
            material.values().forEach(b -> Arrays.fill(b, (byte) 0));
        }
    }

    /** The id of the key that seals new envelopes. */
    public String primaryId() {
        return primaryId;
    }

    /** Every configured key id. */
    public Set<String> ids() {
        return keys.keySet();
    }

    /** Whether a key with id {@code id} is configured. */
    public boolean contains(String id) {
        return keys.containsKey(id);
    }

    /**
     * A ring with the same keys and {@code id} as the primary.
     *
     * @throws IllegalArgumentException if {@code id} is not among the keys
     */
    public ServerKeyRing withPrimary(String id) {
        if (!keys.containsKey(id)) {
            throw new IllegalArgumentException("server key " + id + " is not among the keys " + keys.keySet());
        }
        return id.equals(primaryId) ? this : new ServerKeyRing(id, new LinkedHashMap<>(keys));
    }

    /** A ring with these keys and those of {@code other}; the primary is {@code other}'s. */
    public ServerKeyRing plus(ServerKeyRing other) {
        Map<String, Key> all = new LinkedHashMap<>(keys);
        all.putAll(other.keys);
        return new ServerKeyRing(other.primaryId, all);
    }

    /**
     * A fingerprint of key {@code id} (hex of 128 bits of a separate HKDF output, not usable as or
     * for the key): two rings whose check values for an id are equal hold the same key under it.
     *
     * @throws KeyUnavailableException if no such key is configured
     */
    public String checkValue(String id) {
        return key(id).checkValue();
    }

    /**
     * The AES key with id {@code id}. The name is meant to stand out in review: only envelope code
     * should call it.
     *
     * @throws KeyUnavailableException if no such key is configured
     */
    public SecretKey insecureKey(String id) {
        return key(id).aes();
    }

    private Key key(String id) {
        Key k = keys.get(Objects.requireNonNull(id, "id"));
        if (k == null) {
            throw new KeyUnavailableException(id, "Server key '" + id + "' is not configured on this node (configured: "
                    + keys.keySet() + "): add secrets.serverKey." + id + " to every node before using it");
        }
        return k;
    }

    private static Key derive(byte[] material) {
        byte[] key = hkdf(material, HKDF_INFO, 32);
        byte[] check = hkdf(material, CHECK_INFO, CHECK_BYTES);
        try {
            return new Key(new SecretKeySpec(key, "AES"), HexFormat.of().formatHex(check));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] hkdf(byte[] material, byte[] info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(material, null, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    @Override
    public String toString() {
        return "ServerKeyRing[primary=" + primaryId + ", ids=" + keys.keySet() + "]";
    }
}
