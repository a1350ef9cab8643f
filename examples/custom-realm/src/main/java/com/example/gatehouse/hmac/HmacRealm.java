package com.example.gatehouse.hmac;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UserType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-signed requests: {@code Authorization: GH-HMAC keyId=<id>, signature=<base64>} with an
 * {@code X-Gatehouse-Date} header (ISO-8601 instant). The signature is HMAC-SHA256 over
 * {@code METHOD \n PATH \n DATE} with the key's secret. The date must be within {@code maxSkew}
 * of the server's clock, so a captured request cannot be replayed later (within the window it
 * can: a production scheme would add a nonce or sign the body too).
 *
 * <p>An unknown key id is verified against a dummy secret, so it costs what a wrong signature
 * costs; signatures are compared in constant time. Users are of type {@code HMAC} and are created
 * on first use. Thread-safe.
 */
public final class HmacRealm implements Realm {

    static final String SCHEME = "GH-HMAC";
    static final String DATE_HEADER = "X-Gatehouse-Date";

    private record Key(String username, SecretKeySpec secret) {}

    /** What the request carried; toString hides the signature. */
    record Signed(String keyId, byte[] signature, String method, String path, String date, Instant at)
            implements Credentials {
        @Override
        public String toString() {
            return "Signed[keyId=" + keyId + ", signature=<redacted>]";
        }
    }

    private final String name;
    private final Map<String, Key> keys;
    private final Key dummy;
    private final Duration maxSkew;
    private final Clock clock;
    private final Accounts accounts;

    private HmacRealm(String name, Map<String, Key> keys, Duration maxSkew, Clock clock, Accounts accounts) {
        this.name = name;
        this.keys = Map.copyOf(keys);
        this.dummy = new Key("-", new SecretKeySpec(new byte[32], "HmacSHA256"));
        this.maxSkew = maxSkew;
        this.clock = clock;
        this.accounts = accounts;
    }

    static HmacRealm create(RealmSettings settings, RealmContext context) {
        Map<String, Key> keys = new HashMap<>();
        settings.getPrefixed("key").forEach((keyId, value) -> {
            int colon = value.indexOf(':');
            if (colon <= 0) {
                throw settings.invalid("key." + keyId, "expected <username>:<base64 secret>");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(value.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw settings.invalid("key." + keyId, "the secret is not valid base64");
            }
            if (secret.length < 32) {
                throw settings.invalid("key." + keyId, "the secret must be at least 32 bytes (256 bits), was " + secret.length);
            }
            keys.put(keyId, new Key(value.substring(0, colon).strip(), new SecretKeySpec(secret, "HmacSHA256")));
        });
        if (keys.isEmpty()) {
            throw settings.invalid("key.<keyId>", "at least one key is required");
        }
        Duration skew = settings.getDuration("maxSkew", Duration.ofMinutes(5));
        return new HmacRealm(settings.realmName(), keys, skew, context.clock(), context.accounts());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        if (!(request.authorization() instanceof AuthorizationHeader.Other other) || !other.scheme().equalsIgnoreCase(SCHEME)) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (String part : other.parameters().split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                params.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        String date = request.header(DATE_HEADER).orElse("");
        Instant at;
        byte[] signature;
        try {
            at = Instant.parse(date);
            signature = Base64.getDecoder().decode(params.getOrDefault("signature", ""));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            at = null;
            signature = new byte[0];
        }
        return Optional.of(new Signed(params.getOrDefault("keyId", ""), signature, request.method(), request.path(), date, at));
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof Signed signed)) {
            return AuthenticationResult.NotMine.instance();
        }
        Key key = keys.get(signed.keyId());
        boolean valid = MessageDigest.isEqual(sign(key != null ? key : dummy, signed), signed.signature());
        if (key == null || !valid || signed.signature().length == 0) {
            return AuthenticationResult.Rejected.because(key == null ? "unknown HMAC key id" : "bad HMAC signature");
        }
        if (signed.at() == null || Duration.between(signed.at(), clock.instant()).abs().compareTo(maxSkew) > 0) {
            return new AuthenticationResult.Rejected("request date outside the allowed skew",
                    "Request date missing or outside the allowed clock skew");
        }
        return accounts.signIn(name, ExternalUser.of(key.username(), UserType.of("HMAC")).withRoles(Set.of()), true);
    }

    private static byte[] sign(Key key, Signed signed) {
        return signature(key.secret(), signed.method(), signed.path(), signed.date());
    }

    /** The signature a client sends: base64 of this, for {@code method}, {@code path} and {@code date}. */
    static byte[] signature(SecretKeySpec secret, String method, String path, String date) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac.doFinal((method + "\n" + path + "\n" + date).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public List<String> challenges() {
        return List.of(SCHEME + " realm=\"" + name + "\"");
    }
}
