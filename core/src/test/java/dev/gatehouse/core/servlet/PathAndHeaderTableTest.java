package dev.gatehouse.core.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.StubRealm;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The path-bypass and bad-header tables, against a filter with one excluded public path, in two
 * Jettys: one with Jetty's default URI compliance, and one that lets every ambiguous URI through
 * to the filter (so that the filter's own checks are what is tested).
 */
class PathAndHeaderTableTest {

    private static JettyHarness strict;
    private static JettyHarness permissive;

    @BeforeAll
    static void start() throws Exception {
        strict = JettyHarness.start(filter());
        permissive = JettyHarness.startPermissive(filter());
    }

    private static AuthenticationFilter filter() {
        Gatehouse gatehouse = Gatehouse.builder()
                .throttling(Throttling.disabled()) // the tables send many failures from one address
                .realm(StubRealm.accepting("token", "X-Token", "good", "alice", Set.of("admin")))
                .build();
        return AuthenticationFilter.builder(gatehouse).mode(AuthenticationMode.REQUIRED).exclude("/public").build();
    }

    @AfterAll
    static void stop() throws Exception {
        strict.close();
        permissive.close();
    }

    static Stream<String> bypassPaths() {
        return Stream.of(
                // the table
                "/x/..;/admin", "/;/admin", "/admin/%2e", "/admin/%3bx", "/admin%20", "/%2e/admin", "/admin/x%0a",
                "//admin", "/admin/%2f..", "/admin%5cx", "/admin/%00", "/public/../admin", "/PUBLIC",
                // Shiro CVE-2020-1957, -11989, -13933, -17523, CVE-2021-41303, CVE-2022-32532, CVE-2023-22602, -34478
                "/public/..;/admin", "/public;/../admin", "/public/%2e%2e/admin", "/public/%2e%2e%2fadmin",
                "/public%2f..%2fadmin", "/public/%252e%252e/admin", "/public%3b/../admin", "/admin;jsessionid=x",
                "/public/%3b/admin", "/public/%20", "/public%20", "/public/.", "/public/./../admin", "/./admin",
                "/admin/.", "/admin/..", "/%2fadmin", "/public%00", "/public%0d%0a", "/admin%0a", "/public/%0a",
                "/public\\..\\admin", "/public%5c..%5cadmin", "/%70ublic/../admin", "/admin/%c0%ae%c0%ae/",
                "/public/%u002e%u002e/admin", "/public/%", "/public/%2", "/public/%zz",
                // Spring Security StrictHttpFirewall's list
                "/public/%2E%2E/admin", "/public%2F..%2Fadmin", "/admin%25", "/public//admin", "/public/%09",
                "/admin/%7f", "/public/%2e/../admin");
    }

    private static void assertStopped(JettyHarness jetty, String path) throws Exception {
        int before = jetty.reached();
        JettyHarness.RawResponse r = jetty.rawGet(path);
        assertThat(r.status()).as("status for %s", path).isBetween(400, 499);
        assertThat(jetty.reached()).as("%s must not reach the servlet", path).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bypassPaths")
    void bypassPathNeverReachesTheServletWithoutCredentialsInStrictJetty(String path) throws Exception {
        assertStopped(strict, path);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bypassPaths")
    void bypassPathNeverReachesTheServletWithoutCredentialsWhenJettyLetsItThrough(String path) throws Exception {
        assertStopped(permissive, path);
    }

    @Test
    void filterItselfRefusesAmbiguousPathsWithA400AndAReason() throws Exception {
        JettyHarness.RawResponse r = permissive.rawGet("/public/..;/admin");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"message\":\"Request path must not contain ';'\"}");
    }

    @Test
    void excludedPathAndCredentialedRequestsStillWork() throws Exception {
        assertThat(permissive.rawGet("/public").status()).isEqualTo(200);
        assertThat(permissive.rawGet("/admin", "X-Token: good").status()).isEqualTo(200);
        assertThat(permissive.rawGet("/admin").status()).isEqualTo(401);
    }

    static Stream<Arguments> badHeaders() {
        String b64 = Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("empty Authorization", new String[] {"Authorization: "}, "Authorization header is empty"),
                Arguments.of("Basic with nothing after it", new String[] {"Authorization: Basic"}, "Basic credentials are missing"),
                Arguments.of("Basic with a space only", new String[] {"Authorization: Basic "}, "Basic credentials are missing"),
                Arguments.of("bad base64", new String[] {"Authorization: Basic !!!not-base64!!!"}, "Basic credentials are not valid base64"),
                Arguments.of("base64 without a colon", new String[] {"Authorization: Basic " + b64}, "Basic credentials have no ':'"),
                Arguments.of("16 KB header", new String[] {"Authorization: Bearer " + "a".repeat(16 * 1024)}, "longer than 8192"),
                Arguments.of("non-ASCII bytes", new String[] {"Authorization: Bearer caf\u00e9\u00ff"}, "outside printable ASCII"),
                Arguments.of("Bearer with inner spaces", new String[] {"Authorization: Bearer abc def"}, "without spaces"),
                Arguments.of("Bearer without value", new String[] {"Authorization: Bearer"}, "Bearer credentials are missing"),
                Arguments.of("header sent twice", new String[] {"Authorization: Bearer a", "Authorization: Bearer b"},
                        "More than one Authorization header"),
                Arguments.of("invalid UTF-8 in Basic", new String[] {"Authorization: Basic "
                        + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xc3, (byte) 0x28})},
                        "not valid UTF-8"),
                Arguments.of("unknown scheme", new String[] {"Authorization: Negotiate abc"}, "no realm accepts them"),
                Arguments.of("a lone non-token", new String[] {"Authorization: {json}"}, "neither a token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void badAuthorizationHeaderIsA401WithAReason(String name, String[] lines, String reason) throws Exception {
        for (JettyHarness jetty : new JettyHarness[] {strict, permissive}) {
            int before = jetty.reached();
            JettyHarness.RawResponse r = jetty.rawGet("/admin", lines);

            assertThat(r.status()).as(name).isEqualTo(401);
            assertThat(r.body()).as(name).startsWith("{\"message\":\"").contains(reason);
            assertThat(r.text()).as(name).contains("WWW-Authenticate: Bearer realm=\"token\"");
            assertThat(jetty.reached()).as(name).isEqualTo(before);
        }
    }

    @Test
    void refusalNeverEchoesTheCredential() throws Exception {
        String secret = Base64.getEncoder().encodeToString("alice:S3cret-Value".getBytes(StandardCharsets.UTF_8));
        JettyHarness.RawResponse r = strict.rawGet("/admin", "Authorization: Basic " + secret);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text()).doesNotContain("S3cret").doesNotContain(secret);
    }
}
