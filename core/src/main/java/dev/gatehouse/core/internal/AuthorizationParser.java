package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.AuthorizationHeader.Bare;
import dev.gatehouse.core.AuthorizationHeader.Basic;
import dev.gatehouse.core.AuthorizationHeader.Bearer;
import dev.gatehouse.core.AuthorizationHeader.Malformed;
import dev.gatehouse.core.AuthorizationHeader.Other;
import dev.gatehouse.core.Password;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** The rules behind {@link AuthorizationHeader#parse(List)}. Never throws. */
public final class AuthorizationParser {

    private static final int MAX_LENGTH = AuthorizationHeader.MAX_LENGTH;

    private AuthorizationParser() {}

    public static AuthorizationHeader parse(List<String> values) {
        if (values.isEmpty()) {
            return AuthorizationHeader.ABSENT;
        }
        if (values.size() > 1) {
            return new Malformed("More than one Authorization header");
        }
        String value = values.get(0);
        if (value.length() > MAX_LENGTH) {
            return new Malformed("Authorization header is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return new Malformed("Authorization header contains a character outside printable ASCII");
            }
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            return new Malformed("Authorization header is empty");
        }
        int space = trimmed.indexOf(' ');
        if (space < 0) {
            // A lone scheme name ("Basic", "Bearer") is a scheme without credentials, not a token.
            if (trimmed.equalsIgnoreCase("Basic") || trimmed.equalsIgnoreCase("Bearer")) {
                return new Malformed(trimmed + " credentials are missing");
            }
            return isToken68(trimmed)
                    ? new Bare(trimmed)
                    : new Malformed("Authorization header is neither a token nor a scheme with credentials");
        }
        String scheme = trimmed.substring(0, space);
        String rest = trimmed.substring(space + 1);
        if (!isToken(scheme)) {
            return new Malformed("Authorization scheme is not a valid token");
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(rest);
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (rest.isEmpty()) {
                return new Malformed("Bearer credentials are missing");
            }
            return isToken68(rest)
                    ? new Bearer(rest)
                    : new Malformed("Bearer token must be one token68 value without spaces (RFC 6750)");
        }
        return new Other(scheme, rest);
    }


    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isToken68(String s) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                break;
            }
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    static AuthorizationHeader basic(String encoded) {
        if (encoded.isEmpty()) {
            return new Malformed("Basic credentials are missing");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return new Malformed("Basic credentials are not valid base64");
        }
        char[] all;
        try {
            all = utf8(decoded);
        } catch (CharacterCodingException e) {
            return new Malformed("Basic credentials are not valid UTF-8");
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
        int colon = -1;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            Arrays.fill(all, '\0');
            return new Malformed("Basic credentials have no ':' between username and password");
        }
        for (int i = 0; i < colon; i++) {
            if (Character.isISOControl(all[i])) {
                Arrays.fill(all, '\0');
                return new Malformed("Basic username contains a control character");
            }
        }
        String username = new String(all, 0, colon);
        char[] password = Arrays.copyOfRange(all, colon + 1, all.length);
        Arrays.fill(all, '\0');
        return new Basic(username, Password.takeOwnership(password));
    }

    /**
     * {@code bytes} decoded as strict UTF-8 (a malformed sequence is an error, never a replacement
     * character). Plain ASCII, the common case, is copied byte for byte, as it decodes to itself,
     * without a decoder built for the request.
     */
    private static char[] utf8(byte[] bytes) throws CharacterCodingException {
        char[] chars = new char[bytes.length];
        int i = 0;
        while (i < bytes.length && bytes[i] >= 0) {
            chars[i] = (char) bytes[i];
            i++;
        }
        if (i == bytes.length) {
            return chars;
        }
        Arrays.fill(chars, '\0');
        CharBuffer decoded = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
        char[] all = new char[decoded.remaining()];
        decoded.get(all);
        Arrays.fill(decoded.array(), '\0');
        return all;
    }

}
