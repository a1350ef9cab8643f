package dev.gatehouse.session.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.RealmSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code realm.<name>.*} settings of a session realm, read and checked once. Every problem is
 * a {@link ConfigurationException} naming the full key; no message ever contains key material.
 */
record SessionSettings(String header, boolean acceptBasic, SessionKeys keys, Duration maxLifetime,
        Duration clockSkew, Duration cacheTtl, int cacheSize, ConcordTokens concord) {

    static final String DEFAULT_HEADER = "X-Concord-SessionToken";
    static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);
    static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(1);
    static final int DEFAULT_CACHE_SIZE = 10_000;

    static SessionSettings read(RealmSettings s) {
        String header = s.get("header", DEFAULT_HEADER);
        if (!header.matches("[A-Za-z0-9-]{1,64}") || header.equalsIgnoreCase("Authorization")) {
            throw s.invalid("header", "must be a header name of letters, digits and '-' other than Authorization, was '"
                    + header + "'");
        }
        boolean basic = s.getBoolean("acceptBasic", true);
        SessionKeys keys = keys(s);
        Duration maxLifetime = within(s, "maxLifetime", DEFAULT_MAX_LIFETIME, Duration.ofMinutes(1), Duration.ofDays(366));
        Duration skew = within(s, "clockSkew", DEFAULT_CLOCK_SKEW, Duration.ZERO, Duration.ofMinutes(5));
        Duration cacheTtl = within(s, "cacheTtl", DEFAULT_CACHE_TTL, Duration.ZERO, Duration.ofMinutes(1));
        int cacheSize = s.getInt("cacheSize", DEFAULT_CACHE_SIZE, 1, 10_000_000);
        return new SessionSettings(header, basic, keys, maxLifetime, skew, cacheTtl, cacheSize, concord(s).orElse(null));
    }

    private static SessionKeys keys(RealmSettings s) {
        Map<String, String> encoded = s.getPrefixed("keys");
        if (encoded.isEmpty()) {
            throw s.invalid("keys.<id>", "at least one key is required, e.g. " + s.qualify("keys.k1")
                    + "=${env:SESSION_KEY_1} holding 32 random bytes in base64 (openssl rand -base64 32)");
        }
        Map<String, byte[]> raw = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : encoded.entrySet()) {
                String key = "keys." + e.getKey();
                byte[] bytes;
                try {
                    bytes = SessionKeys.decodeBase64(e.getValue());
                } catch (IllegalArgumentException ex) {
                    throw s.invalid(key, "is not valid base64");
                }
                raw.put(e.getKey(), bytes);
                String problem = SessionKeys.problemWith(e.getKey(), bytes);
                if (problem != null) {
                    throw s.invalid(key, problem);
                }
            }
            String issuing;
            Optional<String> configured = s.get("issuingKey");
            if (configured.isPresent()) {
                issuing = configured.get();
                if (!raw.containsKey(issuing)) {
                    throw s.invalid("issuingKey", "'" + issuing + "' is not one of the configured keys " + raw.keySet());
                }
            } else if (raw.size() == 1) {
                issuing = raw.keySet().iterator().next();
            } else {
                throw s.invalid("issuingKey", "required when more than one key is configured; one of " + raw.keySet());
            }
            return SessionKeys.of(raw, issuing);
        } finally {
            raw.values().forEach(SessionKeys::wipe);
        }
    }

    private static Optional<ConcordTokens> concord(RealmSettings s) {
        boolean enabled = s.getBoolean("concord.enabled", false);
        Optional<char[]> salt = s.getSecret("concord.secretStoreSalt");
        Optional<char[]> password = s.getSecret("concord.serverPassword");
        try {
            if (!enabled) {
                if (salt.isPresent() || password.isPresent()) {
                    throw s.invalid("concord.enabled", "is false, but Concord key settings are present;"
                            + " set it to true to accept Concord's tokens, or remove them");
                }
                return Optional.empty();
            }
            byte[] saltBytes = decode(s, "concord.secretStoreSalt", salt);
            byte[] passwordBytes = decode(s, "concord.serverPassword", password);
            try {
                return Optional.of(ConcordTokens.of(saltBytes, passwordBytes));
            } finally {
                SessionKeys.wipe(saltBytes);
                SessionKeys.wipe(passwordBytes);
            }
        } finally {
            salt.ifPresent(c -> Arrays.fill(c, '\0'));
            password.ifPresent(c -> Arrays.fill(c, '\0'));
        }
    }

    private static byte[] decode(RealmSettings s, String key, Optional<char[]> value) {
        if (value.isEmpty()) {
            throw s.invalid(key, "required when concord.enabled is true (base64, as in Concord's configuration)");
        }
        char[] chars = value.get();
        byte[] ascii = new byte[chars.length];
        for (int i = 0; i < chars.length; i++) {
            ascii[i] = (byte) chars[i];
        }
        try {
            byte[] decoded = java.util.Base64.getDecoder().decode(ascii);
            if (decoded.length == 0) {
                throw s.invalid(key, "is empty");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw s.invalid(key, "is not valid base64");
        } finally {
            SessionKeys.wipe(ascii);
        }
    }

    private static Duration within(RealmSettings s, String key, Duration def, Duration min, Duration max) {
        Duration d = s.getDuration(key, def);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw s.invalid(key, "must be between " + min + " and " + max + ", was " + d);
        }
        return d;
    }
}
