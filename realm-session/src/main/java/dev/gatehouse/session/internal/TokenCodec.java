package dev.gatehouse.session.internal;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes and reads session tokens: compact JWE (RFC 7516 section 7.1) with {@code alg=dir} and
 * {@code enc=A256GCM} (RFC 7518 sections 4.5, 5.3), header {@code alg, enc, kid, typ} and nothing
 * else, and encrypted JWT claims (RFC 7519 section 4.1) {@code sub} (the process id), {@code iat},
 * {@code exp} and {@code jti}.
 *
 * <p>Reading is strict and checks the cheap things first: length and shape, then the header (only
 * {@code dir}/{@code A256GCM}, a known {@code kid}, our {@code typ}, no {@code crit}, {@code zip},
 * {@code cty} or any other parameter), and only then decrypts; after that the claims must be
 * exactly the four above, well-typed, and within their lifetime.
 *
 * <p>The header this codec writes for each key is the same string in every token; it is parsed and
 * checked once, at construction, and recognised afterwards by exact match, which spares the JSON
 * parse on every request. A header encoded any other way takes the full parse and the same checks.
 * Thread-safe.
 */
public final class TokenCodec {

    /** The {@code typ} of every session token (RFC 8725 section 3.11: explicit typing). */
    public static final JOSEObjectType TYPE = new JOSEObjectType("gh-session+jwt");

    /** Longer strings are refused unread; a real token is about 250 characters. */
    public static final int MAX_TOKEN_LENGTH = 2048;

    private static final Set<String> HEADER_PARAMS = Set.of("alg", "enc", "kid", "typ");
    private static final Set<String> CLAIMS = Set.of("sub", "iat", "exp", "jti");
    private static final int IV_CHARS = 16; // 96 bits, base64url without padding
    private static final int TAG_CHARS = 22; // 128 bits

    private final SessionKeys keys;
    private final long maxLifetimeSeconds;
    private final long clockSkewMillis;
    private static final boolean[] BASE64URL = base64UrlTable();

    private final SecureRandom random = new SecureRandom();
    private final Map<String, KnownHeader> knownHeaders;

    /**
     * A codec over {@code keys}; parses and checks, once, the header it writes for each key.
     *
     * @param maxLifetime written into every token as {@code exp - iat}, and the most a token may claim
     * @param clockSkew how far in the future {@code iat} may lie
     */
    public TokenCodec(SessionKeys keys, Duration maxLifetime, Duration clockSkew) {
        this.keys = keys;
        this.maxLifetimeSeconds = Math.max(1, (maxLifetime.toMillis() + 999) / 1000);
        this.clockSkewMillis = clockSkew.toMillis();
        Map<String, KnownHeader> known = new HashMap<>();
        for (String kid : keys.keyIds()) {
            JWEHeader header = header(kid);
            String encoded = header.toBase64URL().toString();
            try {
                header = JWEHeader.parse(new Base64URL(encoded));
            } catch (ParseException e) {
                throw new IllegalStateException("cannot read back our own header: " + e.getMessage(), e);
            }
            if (headerProblem(header) != null) {
                throw new IllegalStateException("our own header fails our checks: " + headerProblem(header));
            }
            known.put(encoded, new KnownHeader(header, keys.decrypter(kid)));
        }
        this.knownHeaders = Map.copyOf(known);
    }

    private static JWEHeader header(String kid) {
        return new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(kid).type(TYPE).build();
    }

    /** What reading a token found. */
    public sealed interface Result {}

    /** A well-formed, authentic token within its lifetime. */
    public record Valid(UUID processId, long expiresAtMillis) implements Result {}

    /** Anything else; {@code reason} is for the log and never repeats the token. */
    public record Invalid(String reason) implements Result {}

    /** A new token for {@code processId}, issued at {@code nowMillis}, under the issuing key. */
    public String issue(UUID processId, long nowMillis) {
        long iat = nowMillis / 1000;
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", processId.toString());
        claims.put("iat", iat);
        claims.put("exp", iat + maxLifetimeSeconds);
        claims.put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(jti));
        JWEHeader header = header(keys.issuingKeyId());
        JWEObject jwe = new JWEObject(header, new Payload(JSONObjectUtils.toJSONString(claims)));
        try {
            jwe.encrypt(keys.encrypter());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot encrypt a session token: " + e.getMessage(), e);
        }
        return jwe.serialize();
    }

    /** Whether {@code s} has the shape of a compact JWE: five base64url parts. */
    public static boolean looksLikeToken(String s) {
        int n = s.length();
        if (n < 40 || n > MAX_TOKEN_LENGTH || !s.startsWith("eyJ")) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c >= 128 || !BASE64URL[c]) {
                return false;
            }
        }
        return dots == 4;
    }

    /** Reads {@code token} as of {@code nowMillis}. Never throws for any input. */
    public Result read(String token, long nowMillis) {
        int n = token.length();
        if (n > MAX_TOKEN_LENGTH) {
            return new Invalid("token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        // One pass: the four dots, and nothing but base64url between them.
        int[] dots = new int[4];
        int found = 0;
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (found == 4) {
                    return new Invalid("more than five parts: not a compact JWE");
                }
                dots[found++] = i;
            } else if (c >= 128 || !BASE64URL[c]) {
                return new Invalid("a character outside base64url: not a compact JWE");
            }
        }
        if (found != 4) {
            return new Invalid((found + 1) + " parts: not a compact JWE (alg none, or a JWS?)");
        }
        int d1 = dots[0];
        int d2 = dots[1];
        int d3 = dots[2];
        int d4 = dots[3];
        if (d1 == 0) {
            return new Invalid("no header");
        }
        if (d2 != d1 + 1) {
            return new Invalid("has an encrypted key: not alg=dir");
        }
        if (d3 - d2 - 1 != IV_CHARS || n - d4 - 1 != TAG_CHARS || d4 == d3 + 1) {
            return new Invalid("IV, ciphertext or tag has the wrong length for A256GCM");
        }
        String encodedHeader = token.substring(0, d1);
        KnownHeader known = knownHeaders.get(encodedHeader);
        JWEHeader header;
        DirectDecrypter decrypter;
        if (known != null) {
            // The exact header this codec writes for that key: checked once, at start-up.
            header = known.header;
            decrypter = known.decrypter;
        } else {
            try {
                header = JWEHeader.parse(new Base64URL(encodedHeader));
            } catch (ParseException | RuntimeException e) {
                return new Invalid("header is not a JWE header (alg none?): " + e.getMessage());
            }
            String problem = headerProblem(header);
            if (problem != null) {
                return new Invalid(problem);
            }
            decrypter = keys.decrypter(header.getKeyID());
        }
        byte[] plain;
        try {
            plain = decrypter.decrypt(header, null, new Base64URL(token.substring(d2 + 1, d3)),
                    new Base64URL(token.substring(d3 + 1, d4)), new Base64URL(token.substring(d4 + 1)),
                    encodedHeader.getBytes(StandardCharsets.US_ASCII));
        } catch (JOSEException | RuntimeException e) {
            return new Invalid("does not decrypt under key '" + header.getKeyID()
                    + "': tampered, or encrypted under another key");
        }
        return claims(plain, nowMillis);
    }

    /** Why {@code header} is not one this codec accepts, or null; a known key id included. */
    private String headerProblem(JWEHeader header) {
        if (!JWEAlgorithm.DIR.equals(header.getAlgorithm())) {
            return "alg " + header.getAlgorithm() + " is not allowed; only dir";
        }
        if (!EncryptionMethod.A256GCM.equals(header.getEncryptionMethod())) {
            return "enc " + header.getEncryptionMethod() + " is not allowed; only A256GCM";
        }
        if (!HEADER_PARAMS.containsAll(header.getIncludedParams())) {
            return "header has parameters other than alg, enc, kid, typ (crit, zip, cty ...)";
        }
        if (!TYPE.equals(header.getType())) {
            return "typ is not " + TYPE;
        }
        if (header.getKeyID() == null || keys.decrypter(header.getKeyID()) == null) {
            return "unknown key id";
        }
        return null;
    }

    private Result claims(byte[] plain, long nowMillis) {
        Map<String, Object> claims;
        try {
            claims = JSONObjectUtils.parse(new String(plain, StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            return new Invalid("payload is not a JSON object of claims (a nested JWT?)");
        }
        if (claims.size() != CLAIMS.size() || !CLAIMS.containsAll(claims.keySet())) {
            return new Invalid("claims must be exactly sub, iat, exp, jti; were " + claims.keySet());
        }
        Object sub = claims.get("sub");
        Object iat = claims.get("iat");
        Object exp = claims.get("exp");
        Object jti = claims.get("jti");
        if (!(sub instanceof String s) || !(iat instanceof Number i) || !(exp instanceof Number x)
                || !(jti instanceof String j) || j.isEmpty()) {
            return new Invalid("a claim has the wrong type");
        }
        Optional<UUID> parsed = ProcessIds.parse(s);
        if (parsed.isEmpty()) {
            return new Invalid("sub is not a process id");
        }
        UUID processId = parsed.get();
        long iatSeconds = i.longValue();
        long expSeconds = x.longValue();
        if (expSeconds * 1000 <= nowMillis) {
            return new Invalid("token expired");
        }
        if (iatSeconds * 1000 > nowMillis + clockSkewMillis) {
            return new Invalid("token issued in the future");
        }
        if (expSeconds - iatSeconds > maxLifetimeSeconds || expSeconds <= iatSeconds) {
            return new Invalid("token lifetime exceeds the maximum lifetime");
        }
        return new Valid(processId, expSeconds * 1000);
    }

    private static boolean[] base64UrlTable() {
        boolean[] t = new boolean[128];
        for (char c = 'A'; c <= 'Z'; c++) {
            t[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            t[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            t[c] = true;
        }
        t['-'] = true;
        t['_'] = true;
        return t;
    }

    /** The header this codec writes for one key, parsed and checked once. */
    private record KnownHeader(JWEHeader header, DirectDecrypter decrypter) {}
}
