package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who the client is behind proxies: forwarding headers are believed only from trusted peers. */
class TrustedProxiesTest {

    private static RequestView from(String peer, String... headers) {
        RequestView.Builder b = RequestView.builder().remoteAddress(peer);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeadersSay() {
        assertThat(TrustedProxies.none().clientAddress(from("198.51.100.7", "X-Forwarded-For", "10.9.9.9")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void anUntrustedPeerCannotChooseItsAddress() {
        TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8");

        assertThat(proxies.clientAddress(from("203.0.113.9", "X-Forwarded-For", "198.51.100.7"))).isEqualTo("203.0.113.9");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8", "127.0.0.1");

        // The client wrote "198.51.100.7" itself; the proxy appended the address it saw.
        assertThat(proxies.clientAddress(from("127.0.0.1", "X-Forwarded-For", "198.51.100.7, 203.0.113.9")))
                .isEqualTo("203.0.113.9");
        // Two trusted hops: both skipped.
        assertThat(proxies.clientAddress(from("10.1.1.1", "X-Forwarded-For", "203.0.113.9, 10.2.2.2")))
                .isEqualTo("203.0.113.9");
        // Several header lines read as one list.
        assertThat(proxies.clientAddress(from("10.1.1.1", "X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "203.0.113.9:5555")))
                .isEqualTo("203.0.113.9");
        // Every hop trusted: the leftmost is the client. No header: the proxy is.
        assertThat(proxies.clientAddress(from("10.1.1.1", "X-Forwarded-For", "10.3.3.3, 10.2.2.2"))).isEqualTo("10.3.3.3");
        assertThat(proxies.clientAddress(from("10.1.1.1"))).isEqualTo("10.1.1.1");
    }

    @Test
    void forwardedHeaderIsReadPerRfc7239AndTheOtherHeaderIsIgnored() {
        TrustedProxies proxies = TrustedProxies.of(TrustedProxies.Header.FORWARDED, List.of("127.0.0.1"));

        assertThat(proxies.clientAddress(from("127.0.0.1", "Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")))
                .isEqualTo("192.0.2.60");
        assertThat(proxies.clientAddress(from("127.0.0.1", "Forwarded",
                "for=198.51.100.7, For=\"[2001:DB8:cafe::17]:4711\";proto=https"))).isEqualTo("2001:db8:cafe::17");
        assertThat(proxies.clientAddress(from("127.0.0.1", "Forwarded", "for=unknown"))).isEqualTo("unknown");
        assertThat(proxies.clientAddress(from("127.0.0.1", "Forwarded", "for=_hidden;proto=https"))).isEqualTo("_hidden");
        assertThat(proxies.clientAddress(from("127.0.0.1", "X-Forwarded-For", "198.51.100.7")))
                .as("only the configured header counts").isEqualTo("127.0.0.1");
    }

    @Test
    void ipv6RangesAndCanonicalForms() {
        TrustedProxies proxies = TrustedProxies.of("2001:db8::/32", "::1");

        assertThat(proxies.clientAddress(from("0:0:0:0:0:0:0:1", "X-Forwarded-For", "2001:0db8:0:0:0:0:0:5, 2001:db8::1")))
                .as("all trusted: the leftmost, canonically").isEqualTo("2001:db8::5");
        assertThat(proxies.clientAddress(from("[::1]", "X-Forwarded-For", "2a00:1450::200e")))
                .isEqualTo("2a00:1450::200e");
        assertThat(proxies.clientAddress(from("::ffff:10.0.0.1", "X-Forwarded-For", "198.51.100.7")))
                .as("an IPv4-mapped peer is its IPv4 address, untrusted here").isEqualTo("10.0.0.1");
    }

    @Test
    void onlyAddressLiteralsAndRangesAreAccepted() {
        assertThatThrownBy(() -> TrustedProxies.of("proxy.example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.example.com");
        assertThatThrownBy(() -> TrustedProxies.of("10.0.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> TrustedProxies.of("10.0.0.256")).hasMessageContaining("10.0.0.256");
        assertThatThrownBy(() -> TrustedProxies.of("010.0.0.1")).hasMessageContaining("010.0.0.1");
        assertThat(TrustedProxies.of("0.0.0.0/0").clientAddress(from("8.8.8.8", "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void aNonAddressWrittenByATrustedProxyIsBoundedInLength() {
        TrustedProxies proxies = TrustedProxies.of("127.0.0.1");

        assertThat(proxies.clientAddress(from("127.0.0.1", "X-Forwarded-For", "q".repeat(500)))).hasSize(64);
    }
}
