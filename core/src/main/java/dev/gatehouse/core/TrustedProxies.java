package dev.gatehouse.core;

import dev.gatehouse.core.internal.IpAddresses;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Which peers may tell Gatehouse the client's address: the reverse proxies and load balancers in
 * front of the host. Behind a proxy every request comes from the proxy's address, so throttling
 * per address would make one bad client lock out everyone behind it; with the proxy listed here,
 * the client's own address (as the proxy saw it) is used instead.
 *
 * <p>The rule (the one nginx's {@code real_ip_recursive} and Spring's
 * {@code ForwardedHeaderFilter} follow): if the container-reported peer is not a trusted proxy,
 * it is the client, and forwarding headers are ignored, so a client cannot choose its address.
 * If it is, the configured header ({@code X-Forwarded-For}, or RFC 7239 {@code Forwarded}'s
 * {@code for=} parameters) is read from the right, skipping trusted proxies; the first address
 * that is not a trusted proxy is the client. Only one header is honoured, so a client cannot slip
 * a value past a proxy that rewrites the other. Entries a proxy wrote that are not addresses
 * ({@code unknown}, RFC 7239 obfuscated identifiers) stand for themselves.
 *
 * <p>Addresses and CIDR ranges are literals only ({@code 10.0.0.0/8}, {@code 2001:db8::/32},
 * {@code 127.0.0.1}); no name is ever resolved. Immutable and thread-safe.
 */
public final class TrustedProxies {

    /** The header a trusted proxy writes the client's address into. */
    public enum Header {
        /** {@code X-Forwarded-For: client, proxy1, proxy2}: the de-facto standard. */
        X_FORWARDED_FOR("X-Forwarded-For"),
        /** {@code Forwarded: for=client;proto=https, for=proxy1} (RFC 7239). */
        FORWARDED("Forwarded");

        private final String headerName;

        Header(String headerName) {
            this.headerName = headerName;
        }

        /** The HTTP header's name. */
        public String headerName() {
            return headerName;
        }
    }

    private static final TrustedProxies NONE = new TrustedProxies(Header.X_FORWARDED_FOR, List.of());
    private static final int MAX_ENTRY_LENGTH = 64;

    private final Header header;
    private final List<Range> ranges;

    private record Range(byte[] network, int prefix, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private TrustedProxies(Header header, List<Range> ranges) {
        this.header = header;
        this.ranges = ranges;
    }

    /** No proxy is trusted: the client is always the container-reported peer. The default. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Trusts the peers in {@code addressesOrRanges} to report the client in {@code header}.
     *
     * @throws IllegalArgumentException naming the entry if one is not an IP address literal or a
     *     CIDR range
     */
    public static TrustedProxies of(Header header, Collection<String> addressesOrRanges) {
        Objects.requireNonNull(header, "header");
        List<Range> ranges = new ArrayList<>();
        for (String entry : addressesOrRanges) {
            ranges.add(range(Objects.requireNonNull(entry, "entry").strip()));
        }
        return new TrustedProxies(header, List.copyOf(ranges));
    }

    /** {@link #of(Header, Collection)} with {@code X-Forwarded-For}. */
    public static TrustedProxies of(String... addressesOrRanges) {
        return of(Header.X_FORWARDED_FOR, List.of(addressesOrRanges));
    }

    /** Whether no proxy is trusted. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The header trusted proxies write. */
    public Header header() {
        return header;
    }

    /**
     * The client's address for {@code request}: the peer's, or, when the peer is a trusted proxy,
     * the one the proxies reported (see the class description). IP addresses come back in one
     * canonical text form ({@code ::1}, not {@code [0:0:0:0:0:0:0:1]}).
     */
    public String clientAddress(RequestView request) {
        String peer = request.remoteAddress();
        if (ranges.isEmpty()) {
            return peer;
        }
        byte[] peerBytes = IpAddresses.parse(peer);
        if (peerBytes == null) {
            return peer;
        }
        if (!trusted(peerBytes)) {
            return IpAddresses.format(peerBytes);
        }
        List<String> hops = hops(request);
        String leftmostTrusted = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            byte[] bytes = IpAddresses.parse(hop);
            if (bytes == null) {
                // Written by a trusted proxy but not an address ("unknown", "_hidden"): it is the client.
                return hop.length() > MAX_ENTRY_LENGTH ? hop.substring(0, MAX_ENTRY_LENGTH) : hop;
            }
            if (!trusted(bytes)) {
                return IpAddresses.format(bytes);
            }
            leftmostTrusted = IpAddresses.format(bytes);
        }
        return leftmostTrusted != null ? leftmostTrusted : IpAddresses.format(peerBytes);
    }

    private boolean trusted(byte[] address) {
        for (Range r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The hops the header lists, left (client) to right (nearest proxy), cleaned of ports and quotes. */
    private List<String> hops(RequestView request) {
        List<String> out = new ArrayList<>();
        for (String value : request.headers(header.headerName())) {
            for (String element : splitOutsideQuotes(value, ',')) {
                String hop = header == Header.FORWARDED ? forwardedFor(element) : element.strip();
                if (!hop.isEmpty()) {
                    out.add(stripPort(unquote(hop)));
                }
            }
        }
        return out;
    }

    private static String forwardedFor(String element) {
        for (String pair : splitOutsideQuotes(element, ';')) {
            String p = pair.strip();
            if (p.length() > 4 && p.regionMatches(true, 0, "for=", 0, 4)) {
                return p.substring(4).strip();
            }
        }
        return "unknown"; // an element without for= hides its client
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == separator && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"'
                ? s.substring(1, s.length() - 1).strip() : s;
    }

    /** {@code [v6]:port} to {@code v6}, {@code v4:port} to {@code v4}; a bare v6 stays whole. */
    private static String stripPort(String s) {
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            return end > 0 ? s.substring(1, end) : s;
        }
        int colon = s.indexOf(':');
        if (colon > 0 && s.indexOf(':', colon + 1) < 0) {
            return s.substring(0, colon);
        }
        return s;
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        byte[] bytes = IpAddresses.parse(address);
        if (bytes == null) {
            throw new IllegalArgumentException("trustedProxies: '" + entry + "' is not an IP address or CIDR range");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("trustedProxies: '" + entry + "' has a prefix length outside 0.." + max);
            }
        }
        return new Range(bytes, prefix, entry);
    }

    @Override
    public String toString() {
        return "TrustedProxies[" + header.headerName() + ", " + ranges.stream().map(Range::text).toList() + "]";
    }
}
