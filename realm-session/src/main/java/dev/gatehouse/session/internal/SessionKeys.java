package dev.gatehouse.session.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session realm's keyring: every key that verifies tokens, by key id, and the one that issues
 * them. Rotation is adding a key, making it the issuing key, and removing the old one once the
 * tokens it issued have expired (at most the maximum lifetime later). Immutable, thread-safe;
 * {@code toString()} shows key ids only.
 */
public final class SessionKeys {

    /** A256GCM with {@code alg=dir} takes exactly this many bits (RFC 7518 section 5.3). */
    public static final int KEY_BITS = 256;

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, DirectDecrypter> decrypters;
    private final String issuingKeyId;
    private final DirectEncrypter encrypter;

    private SessionKeys(Map<String, SecretKey> keys, String issuingKeyId) {
        Map<String, DirectDecrypter> d = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, SecretKey> e : keys.entrySet()) {
                d.put(e.getKey(), new DirectDecrypter(e.getValue()));
            }
            this.encrypter = new DirectEncrypter(keys.get(issuingKeyId));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable session key: " + e.getMessage(), e);
        }
        this.decrypters = Collections.unmodifiableMap(d);
        this.issuingKeyId = issuingKeyId;
    }

    /**
     * A keyring of raw keys.
     *
     * @param keys key id to exactly 32 key bytes; the arrays are copied, the caller may wipe them
     * @throws IllegalArgumentException naming the key id whose key is not 256 bits, or the issuing
     *     key id if it is not among {@code keys}
     */
    public static SessionKeys of(Map<String, byte[]> keys, String issuingKeyId) {
        Objects.requireNonNull(issuingKeyId, "issuingKeyId");
        Map<String, SecretKey> secret = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : keys.entrySet()) {
            Optional<String> problem = problemWith(e.getKey(), e.getValue());
            if (problem.isPresent()) {
                throw new IllegalArgumentException("keys." + e.getKey() + ": " + problem.get());
            }
            secret.put(e.getKey(), new SecretKeySpec(e.getValue(), "AES"));
        }
        if (!secret.containsKey(issuingKeyId)) {
            throw new IllegalArgumentException("issuingKey '" + issuingKeyId + "' is not among the keys " + secret.keySet());
        }
        return new SessionKeys(secret, issuingKeyId);
    }

    /**
     * Why {@code key} cannot be a session key under id {@code keyId}, if it cannot; the answer
     * never contains key material.
     */
    public static Optional<String> problemWith(String keyId, byte[] key) {
        if (!KEY_ID.matcher(keyId).matches()) {
            return Optional.of("a key id is 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        if (key.length * 8 < KEY_BITS) {
            return Optional.of("the key is " + key.length * 8 + " bits; at least " + KEY_BITS
                    + " are required (32 random bytes, base64)");
        }
        if (key.length * 8 != KEY_BITS) {
            return Optional.of("the key is " + key.length * 8 + " bits; A256GCM takes exactly " + KEY_BITS
                    + " (32 random bytes, base64)");
        }
        return Optional.empty();
    }

    /** Decodes standard or URL-safe base64, with or without padding; the caller wipes the result. */
    static byte[] decodeBase64(String value) {
        String v = value.strip();
        try {
            return Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            return Base64.getUrlDecoder().decode(v);
        }
    }

    /** The decrypter for key {@code keyId}, or null if no such key is configured. */
    DirectDecrypter decrypter(String keyId) {
        return decrypters.get(keyId);
    }

    String issuingKeyId() {
        return issuingKeyId;
    }

    DirectEncrypter encrypter() {
        return encrypter;
    }

    Set<String> keyIds() {
        return decrypters.keySet();
    }

    static void wipe(byte[] bytes) {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "SessionKeys[ids=" + decrypters.keySet() + ", issuing=" + issuingKeyId + "]";
    }
}
