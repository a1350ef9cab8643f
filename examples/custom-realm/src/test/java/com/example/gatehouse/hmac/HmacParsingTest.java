package com.example.gatehouse.hmac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parsers on the request path agree with the general ones they stand in for:
 * {@link HmacRealm#parseDate} with {@link Instant#parse}, {@link HmacRealm#parameters} with a
 * split on commas, {@link RequestBinding#query} with the value the filter sets.
 */
class HmacParsingTest {

    @Test
    void theDateParserAgreesWithInstantParseOnAMillionInstants() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1_000_000; i++) {
            // from 1000-01-01 to 9999-12-31, every fraction length from none to nanoseconds
            Instant at = Instant.ofEpochSecond(random.nextLong(-30_610_224_000L, 253_402_300_800L),
                    i % 3 == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = at.toString();
            assertThat(HmacRealm.parseDate(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void theDateParserAgreesOnEveryFractionLengthAndOnCalendarEdges() {
        for (String text : new String[] {"2026-12-02T16:00:00Z", "2026-12-02T16:00:00.1Z", "2026-12-02T16:00:00.12Z",
            "2026-12-02T16:00:00.123456789Z", "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z", "1000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-01T00:00:00Z"}) {
            assertThat(HmacRealm.parseDate(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void whatTheFastPathDoesNotTakeIsLeftToInstantParse() {
        // each of these Instant.parse refuses; the fast path must not accept any of them
        for (String bad : new String[] {"", "2026-12-02", "2026-13-02T16:00:00Z", "2026-00-02T16:00:00Z",
            "2026-02-29T16:00:00Z", "1900-02-29T16:00:00Z", "2026-04-31T16:00:00Z", "2026-12-02T24:00:01Z",
            "2026-12-02T16:60:00Z", "2026-12-0xT16:00:00Z", "2026-12-02T-1:00:00Z", "2026-12-02T16:00:00.1234567890Z",
            "2026-12-02T16:00:00ZZ", "2026-12-02 16:00:00Z",
            "2026-12-02T16:00:0-1Z", "+2026-12-02T16:00Z", "2026-12-02T16:00:00.-12Z", "٢٠٢٦-12-02T16:00:00Z"}) {
            assertThatThrownBy(() -> Instant.parse(bad)).as("Instant.parse(%s)", bad).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> HmacRealm.parseDate(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
        // and forms it does not take but Instant.parse accepts come out the same
        for (String other : new String[] {"2026-12-31T23:59:60Z", "0999-12-31T23:59:59Z", "2026-12-02T17:00:00+01:00",
            "+12026-12-02T16:00:00Z", "2026-12-02T24:00:00Z", "2026-12-02T16:00:00.Z", "2026-12-02t16:00:00z"}) {
            assertThat(HmacRealm.parseDate(other)).as(other).isEqualTo(Instant.parse(other));
        }
    }

    @Test
    void parametersAreStrippedTheLastOfARepeatedOneWinsAndOthersAreIgnored() {
        assertThat(HmacRealm.parameters("keyId=ci, nonce=abc, signature=x/y+z=="))
                .containsExactly("ci", "abc", "x/y+z==");
        assertThat(HmacRealm.parameters(" signature = s ,keyId=a,keyId=b, other=1, =x, nonce")).containsExactly("b", "", "s");
        assertThat(HmacRealm.parameters("")).containsExactly("", "", "");
        assertThat(HmacRealm.parameters(",,,")).containsExactly("", "", "");
        assertThat(HmacRealm.parameters("nonce=a=b,keyid=lower")).containsExactly("", "a=b", "");
    }

    @Test
    void aLongListOfEmptyPartsIsReadToTheEnd() {
        assertThat(HmacRealm.parameters(",".repeat(8_000) + "keyId=a")).containsExactly("a", "", "");
        assertThat(HmacRealm.parameters("x=1,".repeat(2_000) + "nonce=n")).containsExactly("", "n", "");
    }

    @Test
    void aBodyIsSkippedOnlyWhenTheFramingRulesOneOut() {
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", -1))).isTrue();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.0", -1))).isTrue();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/2.0", 0))).isTrue();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", 0))).isTrue();
        // a length may be missing because a body follows in frames or chunks, or was decoded away
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/2.0", -1))).isFalse();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/3.0", -1))).isFalse();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", 5))).isFalse();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", -1, "Transfer-Encoding", "chunked"))).isFalse();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", 0, "Transfer-Encoding", "chunked"))).isFalse();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", -1, "Content-Encoding", "gzip"))).isFalse();
        assertThat(HmacRequestFilter.hasNoBody(request("HTTP/1.1", 0, "Content-Encoding", "gzip"))).isFalse();
    }

    /** A request of {@code protocol} with {@code length} (-1: none) and one more header, if given. */
    private static HttpServletRequest request(String protocol, long length, String... header) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProtocol" -> protocol;
                    case "getContentLengthLong" -> length;
                    case "getHeader" -> header.length == 2 && header[0].equalsIgnoreCase((String) args[0]) ? header[1]
                            : ((String) args[0]).equalsIgnoreCase("Content-Length") && length >= 0 ? Long.toString(length)
                            : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void onlyTheBindingThisJvmMadeIsBelieved() {
        assertThat(RequestBinding.query(Optional.of(RequestBinding.value("")))).contains("");
        assertThat(RequestBinding.query(Optional.of(RequestBinding.value("a=1&b=%20")))).contains("a=1&b=%20");
        String real = RequestBinding.value("x=1");
        String marker = real.substring(0, real.indexOf(' '));
        char last = marker.charAt(marker.length() - 1);
        String forged = marker.substring(0, marker.length() - 1) + (last == 'A' ? 'B' : 'A') + real.substring(marker.length());
        assertThat(RequestBinding.query(Optional.of(forged))).isEmpty();
        assertThat(RequestBinding.query(Optional.of(marker))).isEmpty();
        assertThat(RequestBinding.query(Optional.of(marker + "x"))).isEmpty();
        assertThat(RequestBinding.query(Optional.of(marker + " !!"))).isEmpty();
        assertThat(RequestBinding.query(Optional.of(" " + marker + " "))).isEmpty();
        assertThat(RequestBinding.query(Optional.empty())).isEmpty();
    }

    @Test
    void theSignatureIsTheMacOfTheSixLinesInUtf8() throws Exception {
        SecretKeySpec key = new SecretKeySpec(new byte[32], "HmacSHA256");
        SecretKeySpec other = new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
            19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, "HmacSHA256");
        String[][] cases = {
            {"GET", "/api/v1/whoami", "", "2026-12-02T16:00:00Z", "n0nce-0123456789", "sha-256=:x:"},
            {"POST", "/api/v1/org/Émile/ü", "q=%C3%BC&ä=1", "2026-12-02T16:00:00Z", "n0nce", "d"},
            {"GET", "/" + "a".repeat(300), "b=" + "c".repeat(1000), "", "", ""},
            {"GET", "/😀", "\uD800", "x", "y", "z"},
        };
        for (SecretKeySpec k : new SecretKeySpec[] {key, other, key}) { // the key changes, and changes back
            for (String[] c : cases) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(k);
                byte[] expected = mac.doFinal(String.join("\n", c).getBytes(StandardCharsets.UTF_8));
                assertThat(HmacRealm.signature(k, c[0], c[1], c[2], c[3], c[4], c[5])).as(String.join("|", c))
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void noncesAreSixteenToOneHundredTwentyEightUrlSafeCharacters() {
        assertThat(HmacRealm.isNonce("abcdefghijklmnop")).isTrue();
        assertThat(HmacRealm.isNonce("A-_0".repeat(32))).isTrue();
        assertThat(HmacRealm.isNonce("abcdefghijklmno")).isFalse();
        assertThat(HmacRealm.isNonce("a".repeat(129))).isFalse();
        assertThat(HmacRealm.isNonce("abcdefghijklmno=")).isFalse();
        assertThat(HmacRealm.isNonce("abcdefghijklmnoé")).isFalse();
        assertThat(HmacRealm.isNonce("abcdefghijklmno\u0100")).isFalse();
    }
}
