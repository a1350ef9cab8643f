package dev.gatehouse.secrets;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.EnvironmentReferences;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The server keys ("environment specific key") that seal secrets without a store password. Each key
 * has an id that every envelope carries; new envelopes use the {@linkplain #primaryId() primary}
 * key, old ones open with the key their header names, so rotation is: add a key, make it primary,
 * run {@link SecretManager#reencryptAll()}, and drop the old key once nothing uses it.
 *
 * <p>Configured as base64 of at least 256 bits; the AES-256 key is derived from it with
 * HKDF-SHA256 (RFC 5869), so longer material is used in full. Key material is reachable only
 * through {@link #insecureKey(String)}; {@code toString()} prints the ids only. Immutable,
 * thread-safe.
 */
public final class ServerKeyRing {

    /** The prefix of the settings: {@code secrets.serverKey.<id>=<base64>}, {@code secrets.serverKey.primary=<id>}. */
    public static final String PREFIX = "secrets.serverKey.";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    private static final byte[] HKDF_INFO = "gatehouse/secrets/server-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String primaryId;
    private final Map<String, SecretKey> keys;

    private ServerKeyRing(String primaryId, Map<String, SecretKey> keys) {
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
        Map<String, SecretKey> keys = new TreeMap<>();
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
        return of(id, Map.of(id, generateKeyMaterial()));
    }

    /** 32 random bytes from {@link SecureRandom}, e.g. for a new {@code secrets.serverKey.<id>}. */
    public static byte[] generateKeyMaterial() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * Reads {@code secrets.serverKey.<id>=<base64>} (standard or URL-safe alphabet, {@code ${env:NAME}}
     * substituted) and {@code secrets.serverKey.primary=<id>} (optional when there is one key).
     *
     * @throws ConfigurationException naming the setting that is missing or wrong, never its value
     */
    public static ServerKeyRing fromSettings(Map<String, String> settings, UnaryOperator<String> env) {
        Map<String, byte[]> material = new TreeMap<>();
        String primary = null;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String id = e.getKey().substring(PREFIX.length());
            String value = EnvironmentReferences.resolve(e.getKey(), e.getValue(), env).strip();
            if (id.equals("primary")) {
                primary = value;
                continue;
            }
            if (!ID.matcher(id).matches()) {
                throw new ConfigurationException(e.getKey() + ": a key id must be 1-32 letters, digits, '_' or '-'");
            }
            byte[] raw;
            try {
                raw = value.contains("-") || value.contains("_") ? Base64.getUrlDecoder().decode(value)
                        : Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException ex) {
                throw new ConfigurationException(e.getKey() + ": not valid base64");
            }
            if (raw.length < 32) {
                throw new ConfigurationException(e.getKey() + ": must be at least 256 bits (32 bytes) of base64, was "
                        + raw.length * 8 + " bits");
            }
            material.put(id, raw);
        }
        if (material.isEmpty()) {
            throw new ConfigurationException(PREFIX + "<id>: required setting is missing (base64 of at least 256 bits)");
        }
        if (primary == null) {
            if (material.size() > 1) {
                throw new ConfigurationException(PREFIX + "primary: required when more than one server key is configured "
                        + material.keySet());
            }
            primary = material.keySet().iterator().next();
        }
        if (!material.containsKey(primary)) {
            throw new ConfigurationException(PREFIX + "primary: names key '" + primary + "', which is not configured "
                    + material.keySet());
        }
        try {
            return of(primary, material);
        } finally {
            material.values().forEach(b -> java.util.Arrays.fill(b, (byte) 0));
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

    /** A ring with the same keys and {@code id} as the primary. */
    public ServerKeyRing withPrimary(String id) {
        if (!keys.containsKey(id)) {
            throw new IllegalArgumentException("server key " + id + " is not among the keys " + keys.keySet());
        }
        return new ServerKeyRing(id, new LinkedHashMap<>(keys));
    }

    /** A ring with these keys and those of {@code other}; the primary is {@code other}'s. */
    public ServerKeyRing plus(ServerKeyRing other) {
        Map<String, SecretKey> all = new LinkedHashMap<>(keys);
        all.putAll(other.keys);
        return new ServerKeyRing(other.primaryId, all);
    }

    /**
     * The AES key with id {@code id}. The name is meant to stand out in review: only envelope code
     * should call it.
     *
     * @throws SecretException of kind {@link SecretException.Kind#UNKNOWN_KEY} if no such key is configured
     */
    public SecretKey insecureKey(String id) {
        SecretKey k = keys.get(Objects.requireNonNull(id, "id"));
        if (k == null) {
            throw new SecretException(SecretException.Kind.UNKNOWN_KEY, "Unknown server key id '" + id
                    + "': the envelope was sealed with a key that is not configured (configured: " + keys.keySet() + ")");
        }
        return k;
    }

    private static SecretKey derive(byte[] material) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(material, null, HKDF_INFO));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return new SecretKeySpec(key, "AES");
    }

    @Override
    public String toString() {
        return "ServerKeyRing[primary=" + primaryId + ", ids=" + keys.keySet() + "]";
    }
}
