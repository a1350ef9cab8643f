package com.example.gatehouse.hmac;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.NewUser;
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
 * which the host maps in front of Gatehouse's filter, checks the body against
 * {@code Content-Digest} and hands the realm the raw query; a signed request that did not pass
 * through that filter is refused. The nonces remembered are bounded by
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
    private static final Duration FULL_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration MAX_SKEW = Duration.ofHours(1);

    /** The users this realm signs in. */
    static final UserType USER_TYPE = UserType.of("HMAC");

    /** A key's secret and the user it signs in (made once, not per request). */
    private record Key(ExternalUser user, SecretKeySpec secret) {
        Key(String username, SecretKeySpec secret) {
            this(ExternalUser.of(username, USER_TYPE), secret);
        }
    }

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
    private final long maxSkewMillis;
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
        this.maxSkewMillis = maxSkew.toMillis();
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
            String username = value.substring(0, colon).strip();
            try {
                NewUser.normaliseName("username", username); // refused at start-up, not on every request
            } catch (IllegalArgumentException e) {
                throw settings.invalid("key." + keyId, e.getMessage());
            }
            keys.put(keyId, new Key(username, new SecretKeySpec(secret, "HmacSHA256")));
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
        String[] params = parameters(other.parameters());
        String date = request.header(DATE_HEADER).orElse("");
        Instant at;
        byte[] signature;
        try {
            at = parseDate(date);
            signature = Base64.getDecoder().decode(params[SIGNATURE]);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            at = null;
            signature = new byte[0];
        }
        return Optional.of(new Signed(params[KEY_ID], params[NONCE_PARAM], signature,
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
        long nowMillis = clock.millis();
        if (signed.at() == null || !withinSkew(signed.at(), nowMillis)) {
            return new AuthenticationResult.Rejected("request date outside the allowed skew",
                    "Request date missing or outside the allowed clock skew");
        }
        if (!isNonce(signed.nonce())) {
            return new AuthenticationResult.Rejected("HMAC nonce missing or malformed",
                    "The nonce must be 16 to 128 letters, digits, '-' or '_'");
        }
        ReplayGuard.Outcome seenBefore = seen.accept(signed.keyId(), signed.nonce(), signed.at().getEpochSecond(),
                Math.floorDiv(nowMillis, 1000));
        if (seenBefore == ReplayGuard.Outcome.FULL) {
            return new AuthenticationResult.Unavailable("hmac replay cache (" + maxNonces + " requests)", FULL_RETRY_AFTER);
        }
        if (seenBefore == ReplayGuard.Outcome.REPLAYED) {
            return new AuthenticationResult.Rejected("replayed HMAC request", "This request was received before");
        }
        return accounts.signIn(name, key.user(), true);
    }

    /** Whether {@code at} is at most {@code maxSkew} from {@code nowMillis} (the clock's precision). */
    private boolean withinSkew(Instant at, long nowMillis) {
        long seconds = at.getEpochSecond() - Math.floorDiv(nowMillis, 1000); // Instant's range: no overflow
        if (Math.abs(seconds) > maxSkewMillis / 1000 + 1) {
            return false;
        }
        long nanos = seconds * 1_000_000_000L + at.getNano() - Math.floorMod(nowMillis, 1000) * 1_000_000L;
        return Math.abs(nanos) <= maxSkewMillis * 1_000_000L;
    }

    private static final int KEY_ID = 0;
    private static final int NONCE_PARAM = 1;
    private static final int SIGNATURE = 2;

    /**
     * {@code keyId}, {@code nonce} and {@code signature} of {@code name=value} pairs split by
     * commas, each stripped, {@code ""} when absent; of a parameter given twice, the last. Other
     * names are ignored. By hand, without a map or a regular expression: this runs on every request.
     */
    static String[] parameters(String list) {
        String[] values = {"", "", ""};
        int n = list.length();
        int start = 0;
        int eq = -1;
        while (start <= n) {
            int end = list.indexOf(',', start);
            if (end < 0) {
                end = n;
            }
            if (eq < start) { // the next '=' is searched once per '=', not once per part: linear
                eq = list.indexOf('=', start);
                if (eq < 0) {
                    eq = n + 1;
                }
            }
            if (eq > start && eq < end) {
                int from = skipSpace(list, start, eq);
                int slot = slot(list, from, trimSpace(list, from, eq));
                if (slot >= 0) {
                    int valueFrom = skipSpace(list, eq + 1, end);
                    values[slot] = list.substring(valueFrom, trimSpace(list, valueFrom, end));
                }
            }
            start = end + 1;
        }
        return values;
    }

    private static int slot(String list, int from, int to) {
        int length = to - from;
        if (length == 5 && list.startsWith("keyId", from)) {
            return KEY_ID;
        } else if (length == 5 && list.startsWith("nonce", from)) {
            return NONCE_PARAM;
        } else if (length == 9 && list.startsWith("signature", from)) {
            return SIGNATURE;
        }
        return -1;
    }

    /** The first index in [from, to) that is not white space (as {@link String#strip}), or {@code to}. */
    private static int skipSpace(String s, int from, int to) {
        while (from < to && Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        return from;
    }

    /** The end of [from, to) without its trailing white space. */
    private static int trimSpace(String s, int from, int to) {
        while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /** The characters a nonce may hold: {@code [A-Za-z0-9_-]}. */
    private static final boolean[] NONCE_CHARS = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            NONCE_CHARS[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        }
    }

    /** Whether {@code s} is a nonce, {@code [A-Za-z0-9_-]{16,128}}, checked by hand: this runs on every request. */
    static boolean isNonce(String s) {
        int n = s.length();
        if (n < 16 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 128 || !NONCE_CHARS[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code date} as an instant. The form clients send, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}
     * with fields in range, is read by hand (this runs on every request, and {@link Instant#parse}
     * cost as much as the MAC); anything else goes to {@link Instant#parse}, which accepts or
     * refuses it as it always did. The two agree on every value the fast path takes.
     *
     * @throws DateTimeParseException if {@code date} is not an ISO-8601 instant
     */
    static Instant parseDate(String date) {
        int n = date.length();
        if (n < 20 || n > 30 || date.charAt(4) != '-' || date.charAt(7) != '-' || date.charAt(10) != 'T'
                || date.charAt(13) != ':' || date.charAt(16) != ':' || date.charAt(n - 1) != 'Z') {
            return Instant.parse(date);
        }
        int year = digits(date, 0, 4);
        int month = digits(date, 5, 2);
        int day = digits(date, 8, 2);
        int hour = digits(date, 11, 2);
        int minute = digits(date, 14, 2);
        int second = digits(date, 17, 2);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21; // between '.' and 'Z'
            if (date.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return Instant.parse(date);
            }
            nanos = digits(date, 20, fraction);
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        } else if (date.charAt(19) != 'Z') {
            return Instant.parse(date);
        }
        if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59 || nanos < 0) {
            return Instant.parse(date); // out of range, or not digits (-1): Instant.parse says which
        }
        long epochDay = epochDay(year, month, day);
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600 + minute * 60 + second, nanos);
    }

    /** The decimal value of {@code count} digits at {@code from}, or -1 if one is not an ASCII digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = y / 400; // year >= 1000 here, so no floor division is needed
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
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
            // A Mac per thread (a provider lookup per request cost more than the MAC itself), keyed
            // again only when the key changes: doFinal leaves it as init left it.
            KeyedMac m = MACS.get();
            if (m.key != secret) {
                m.key = null;
                m.mac.init(secret);
                m.key = secret;
            } else {
                m.mac.reset(); // free after a doFinal; drops the input of one that threw half-way
            }
            m.line(method, false);
            m.line(path, false);
            m.line(query, false);
            m.line(date, false);
            m.line(nonce, false);
            m.line(contentDigest, true);
            return m.mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A thread's Mac, the key it was last initialised with, and a buffer to encode lines in. */
    private static final class KeyedMac {
        final Mac mac;
        SecretKeySpec key;
        private final byte[] buffer = new byte[256];

        KeyedMac(Mac mac) {
            this.mac = mac;
        }

        /** Feeds {@code s} in UTF-8 to the Mac, then a {@code \n} unless it is the last line. */
        void line(String s, boolean last) {
            int n = s.length();
            if (n < buffer.length) {
                int i = 0;
                while (i < n && s.charAt(i) < 0x80) {
                    buffer[i] = (byte) s.charAt(i);
                    i++;
                }
                if (i == n) { // ASCII, the common case: encoded without allocating
                    buffer[n] = '\n';
                    mac.update(buffer, 0, last ? n : n + 1);
                    return;
                }
            }
            mac.update(s.getBytes(StandardCharsets.UTF_8));
            if (!last) {
                mac.update((byte) '\n');
            }
        }
    }

    private static final ThreadLocal<KeyedMac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return new KeyedMac(Mac.getInstance("HmacSHA256"));
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
