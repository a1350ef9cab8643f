package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationHeaderTest {

    private static AuthorizationHeader parse(String... values) {
        return AuthorizationHeader.parse(List.of(values));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicIsDecodedAsUtf8AndSplitAtTheFirstColon() {
        AuthorizationHeader h = parse("Basic " + b64("j\u00fcrgen:pa:ss w\u00f6rd"));

        assertThat(h).isInstanceOfSatisfying(AuthorizationHeader.Basic.class, b -> {
            assertThat(b.username()).isEqualTo("j\u00fcrgen");
            assertThat(new String(b.password().revealChars())).isEqualTo("pa:ss w\u00f6rd");
            assertThat(b.toString()).doesNotContain("pa:ss");
        });
    }

    @Test
    void plainAsciiBasicIsDecodedByteForByte() {
        assertThat(parse("Basic " + b64("alice:Wonder~land 1!\u007f"))).isInstanceOfSatisfying(
                AuthorizationHeader.Basic.class, b -> {
                    assertThat(b.username()).isEqualTo("alice");
                    assertThat(new String(b.password().revealChars())).isEqualTo("Wonder~land 1!\u007f");
                });
    }

    @Test
    void aLoginThatTurnsNonAsciiLateIsStillDecodedAsUtf8() {
        // the ASCII copy stops at the first byte above 0x7f and the whole value is decoded again
        assertThat(parse("Basic " + b64("service-account-with-a-long-name:p\u00e4ss\u20ac"))).isInstanceOfSatisfying(
                AuthorizationHeader.Basic.class, b -> {
                    assertThat(b.username()).isEqualTo("service-account-with-a-long-name");
                    assertThat(new String(b.password().revealChars())).isEqualTo("p\u00e4ss\u20ac");
                });
    }

    @Test
    void basicThatIsNotUtf8IsMalformedWhereverTheBadByteIs() {
        byte[][] bad = {
            {'a', ':', (byte) 0xC3, '('}, // a lead byte without its continuation
            {'a', ':', (byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            {(byte) 0x80, ':', 'x'}, // a lone continuation byte, first
            {'a', ':', 'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate, last
        };
        for (byte[] b : bad) {
            assertThat(parse("Basic " + Base64.getEncoder().encodeToString(b)))
                    .isEqualTo(new AuthorizationHeader.Malformed("Basic credentials are not valid UTF-8"));
        }
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertThat(parse("bAsIc " + b64("a:b"))).isInstanceOf(AuthorizationHeader.Basic.class);
        assertThat(parse("BEARER abc.def")).isEqualTo(new AuthorizationHeader.Bearer("abc.def"));
    }

    @Test
    void emptyPasswordIsKeptSoThatRealmsCanRefuseIt() {
        assertThat(parse("Basic " + b64("token-as-user:"))).isInstanceOfSatisfying(AuthorizationHeader.Basic.class,
                b -> assertThat(b.password().isEmpty()).isTrue());
    }

    @Test
    void loneTokenIsBareAndOtherSchemesAreLeftToPlugins() {
        assertThat(parse("gh_abc123")).isEqualTo(new AuthorizationHeader.Bare("gh_abc123"));
        assertThat(parse("  abc+/==  ")).isEqualTo(new AuthorizationHeader.Bare("abc+/=="));
        assertThat(parse("HMAC keyId=\"k\", signature=\"s\"")).isEqualTo(
                new AuthorizationHeader.Other("HMAC", "keyId=\"k\", signature=\"s\""));
    }

    @Test
    void malformedValuesSayWhatIsWrongWithoutRepeatingThem() {
        assertThat(parse("Bearer a\tb")).isInstanceOf(AuthorizationHeader.Malformed.class);
        assertThat(parse("key\n")).isEqualTo(new AuthorizationHeader.Malformed(
                "Authorization header contains a character outside printable ASCII"));
        assertThat(parse("=abc")).isEqualTo(new AuthorizationHeader.Malformed(
                "Authorization header is neither a token nor a scheme with credentials"));
        assertThat(parse("Bas\"ic xyz")).isEqualTo(new AuthorizationHeader.Malformed("Authorization scheme is not a valid token"));
        assertThat(parse("Basic " + b64("\u0001bad:x"))).isEqualTo(new AuthorizationHeader.Malformed(
                "Basic username contains a control character"));
    }

    @Test
    void absentHeaderIsAbsent() {
        assertThat(AuthorizationHeader.parse(List.of())).isInstanceOf(AuthorizationHeader.Absent.class);
    }
}
