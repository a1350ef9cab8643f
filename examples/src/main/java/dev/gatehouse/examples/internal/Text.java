package dev.gatehouse.examples.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Strict decoding of what clients send: UTF-8 that is not well-formed is refused instead of being
 * replaced by U+FFFD (so that two different byte strings can never read as the same password), and
 * percent-encoding that is not well-formed is refused too.
 */
final class Text {

    private Text() {}

    /** {@code bytes} as UTF-8, or empty if they are not well-formed UTF-8. */
    static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** {@code bytes} as UTF-8, or a 400 that names {@code what}. */
    static String utf8(byte[] bytes, String what) {
        return utf8(bytes).orElseThrow(() -> ApiException.badRequest(what + " is not valid UTF-8"));
    }

    /**
     * The bytes {@code s} percent-encodes (RFC 3986 section 2.1); {@code plusIsSpace} for
     * {@code application/x-www-form-urlencoded}, where {@code +} stands for a space. Empty if a
     * {@code %} is not followed by two hex digits.
     */
    static Optional<byte[]> percentDecode(String s, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c > 0x7f) {
                return Optional.empty(); // raw non-ASCII is not percent-encoding
            } else {
                out.write(c);
            }
        }
        return Optional.of(out.toByteArray());
    }
}
