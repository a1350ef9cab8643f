package com.example.gatehouse.hmac;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UserType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-signed requests:
 *
 * <pre>
 * Authorization: GH-HMAC keyId=&lt;id&gt;, nonce=&lt;nonce&gt;, signature=&lt;base64&gt;
 * X-Gatehouse-Date: 2026-06-01T12:00:00Z
 * Content-Digest: sha-256=:&lt;base64 of SHA-256(body)&gt;:
 * </pre>
 *
 * The signature is HMAC-SHA256, with the key's secret, over six lines joined by {@code \n}:
 *
 * <pre>
 * METHOD \n PATH \n QUERY \n DATE \n NONCE \n CONTENT-DIGEST
 * </pre>
 *
 * where PATH is the path as the server decodes it, QUERY the raw query string as sent (empty if
 * none), DATE the {@code X-Gatehouse-Date} header, NONCE the {@code nonce} parameter (16 to 128
 * letters, digits, {@code -} or {@code _}; fresh for every request) and CONTENT-DIGEST the
 * {@code Content-Digest} header as sent (RFC 9530; the digest of an empty body for a request
 * without one). So a signature covers what the request does: method, path, every query
 * parameter and the body.
 *
 * <p>The realm checks what it can see: the signature (in constant time; an unknown key id is
 * verified against a dummy secret, so it costs what a wrong signature costs), the date (within
 * {@code maxSkew} of the server's clock) and the nonce (a request is accepted once: its key id and
 * nonce are remembered, filed under its date, until that date leaves the window, so a captured
 * request cannot be replayed within it, and after it the date refuses it; see
 * {@link ReplayGuard}). The body and the query string it cannot see: {@link HmacRequestFilter},
 * which the host maps in front of Gatehouse's filter, checks the body against {@code Content-Digest} and hands the realm the raw query; a signed request that
 * did not pass through that filter is refused. The nonces remembered are bounded by
 * {@code maxNonces}: when that many unexpired requests are remembered, further signed requests
 * are answered 503 rather than forgetting one (which would let it be replayed).
 *
 * <p>Users are of type {@code HMAC} and are created on first use. Thread-safe.
 */
public final class HmacRealm implements Realm {

    static final String SCHEME = "GH-HMAC";
    static final String DATE_HEADER = "X-Gatehouse-Date";
    static final String DIGEST_HEADER = "Content-Digest";
    /** The default number of unexpired nonces remembered. */
    static final int DEFAULT_MAX_NONCES = 100_000;
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Duration FULL_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration MAX_SKEW = Duration.ofHours(1);

    private record Key(String username, SecretKeySpec secret) {}

    /**
     * What the request carried; toString hides the signature. {@code query} is empty if the
     * request did not pass through {@link HmacRequestFilter}.
     */
    record Signed(String keyId, String nonce, byte[] signature, String method, String path, Optional<String> query,
            String date, String contentDigest, Instant at) implements Credentials {
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
    private final int maxNonces;
    /** Every request accepted, until its date leaves the window. */
    private final ReplayGuard seen;

    private HmacRealm(String name, Map<String, Key> keys, Duration maxSkew, int maxNonces, Clock clock,
            Accounts accounts) {
        this.name = name;
        this.keys = Map.copyOf(keys);
        this.dummy = new Key("-", new SecretKeySpec(new byte[32], "HmacSHA256"));
        this.maxSkew = maxSkew;
        this.maxNonces = maxNonces;
        this.clock = clock;
        this.accounts = accounts;
        this.seen = new ReplayGuard((maxSkew.toMillis() + 999) / 1000, maxNonces);
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
        if (skew.compareTo(Duration.ofSeconds(1)) < 0 || skew.compareTo(MAX_SKEW) > 0) {
            // the replay guard keeps a bucket per second of the window; a clock an hour off is a broken clock
            throw settings.invalid("maxSkew", "must be between 1s and 1h, was " + skew);
        }
        int maxNonces = settings.getInt("maxNonces", DEFAULT_MAX_NONCES, 1, 10_000_000);
        return new HmacRealm(settings.realmName(), keys, skew, maxNonces, context.clock(), context.accounts());
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
            at = parseDate(date);
            signature = Base64.getDecoder().decode(params.getOrDefault("signature", ""));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            at = null;
            signature = new byte[0];
        }
        return Optional.of(new Signed(params.getOrDefault("keyId", ""), params.getOrDefault("nonce", ""), signature,
                request.method(), request.path(), RequestBinding.query(request.header(RequestBinding.HEADER)), date,
                request.header(DIGEST_HEADER).orElse(""), at));
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof Signed signed)) {
            return AuthenticationResult.NotMine.instance();
        }
        Key key = keys.get(signed.keyId());
        boolean valid = ConstantTime.equals(sign(key != null ? key : dummy, signed), signed.signature());
        if (signed.query().isEmpty()) {
            return new AuthenticationResult.Rejected("signed request did not pass through HmacRequestFilter",
                    "This server cannot verify signed requests");
        }
        if (key == null || !valid || signed.signature().length == 0) {
            return AuthenticationResult.Rejected.because(key == null ? "unknown HMAC key id" : "bad HMAC signature");
        }
        Instant now = clock.instant();
        if (signed.at() == null || Duration.between(signed.at(), now).abs().compareTo(maxSkew) > 0) {
            return new AuthenticationResult.Rejected("request date outside the allowed skew",
                    "Request date missing or outside the allowed clock skew");
        }
        if (!isNonce(signed.nonce())) {
            return new AuthenticationResult.Rejected("HMAC nonce missing or malformed",
                    "The nonce must be 16 to 128 letters, digits, '-' or '_'");
        }
        ReplayGuard.Outcome seenBefore = seen.accept(signed.keyId(), signed.nonce(), signed.at().getEpochSecond(),
                now.getEpochSecond());
        if (seenBefore == ReplayGuard.Outcome.FULL) {
            return new AuthenticationResult.Unavailable("hmac replay cache (" + maxNonces + " requests)", FULL_RETRY_AFTER);
        }
        if (seenBefore == ReplayGuard.Outcome.REPLAYED) {
            return new AuthenticationResult.Rejected("replayed HMAC request", "This request was received before");
        }
        return accounts.signIn(name, ExternalUser.of(key.username(), UserType.of("HMAC")).withRoles(Set.of()), true);
    }

    /** Whether {@code s} matches {@link #NONCE}, checked by hand: this runs on every request. */
    static boolean isNonce(String s) {
        int n = s.length();
        if (n < 16 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The last date parsed on this thread: a client signs many requests within one second. */
    private static final ThreadLocal<Object[]> LAST_DATE = ThreadLocal.withInitial(() -> new Object[2]);

    private static Instant parseDate(String date) {
        Object[] last = LAST_DATE.get();
        if (date.equals(last[0])) {
            return (Instant) last[1];
        }
        Instant at = Instant.parse(date);
        last[0] = date;
        last[1] = at;
        return at;
    }

    private static byte[] sign(Key key, Signed signed) {
        return signature(key.secret(), signed.method(), signed.path(), signed.query().orElse(""), signed.date(),
                signed.nonce(), signed.contentDigest());
    }

    /**
     * The signature a client sends, before base64: HMAC-SHA256 of the six lines this class's
     * documentation lists.
     */
    static byte[] signature(SecretKeySpec secret, String method, String path, String query, String date, String nonce,
            String contentDigest) {
        try {
            Mac mac = MACS.get(); // a provider lookup per request cost more than the MAC itself
            mac.init(secret);
            return mac.doFinal(String.join("\n", method, path, query, date, nonce, contentDigest)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

    /** {@code sha-256=:<base64>:}, the {@code Content-Digest} header for {@code body}. */
    static String contentDigest(byte[] body) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(HmacRequestFilter.sha256(body)) + ":";
    }

    @Override
    public List<String> challenges() {
        return List.of(SCHEME + " realm=\"" + name + "\"");
    }
}
