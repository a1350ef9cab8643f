package dev.gatehouse.core.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TrustedProxies;
import dev.gatehouse.core.internal.LoggingAuthenticationListener;
import dev.gatehouse.core.testing.CapturingLogger;
import dev.gatehouse.core.testing.JettyHarness;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.core.testing.StubRealm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4 over real HTTP: nothing secret in the audit log, nothing injected into it. The
 * default listener writes to a capturing logger; every line must parse back into exactly the
 * fields it was written with.
 */
class AuditLogOverHttpTest {

    static final String API_KEY = "gh_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x" + "4Yz9Qa";
    static final String JWE = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";

    /** One audit line: every field a quoted string (or "-"), nothing after the last one. */
    private static final Pattern FAILED = Pattern.compile("authentication failed user=(\"(?:[^\"\\\\]|\\\\.)*\"|-) "
            + "realm=(\"(?:[^\"\\\\]|\\\\.)*\"|-) from=(\"(?:[^\"\\\\]|\\\\.)*\") reason=(\"(?:[^\"\\\\]|\\\\.)*\")");

    private final MutableClock clock = MutableClock.atEpochOfTests();
    private final CapturingLogger log = new CapturingLogger("dev.gatehouse.audit");
    private final List<AuthenticationEvent> events = Collections.synchronizedList(new ArrayList<>());
    private JettyHarness jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    private static String basic(String s) {
        return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private void start(StubRealm... extra) throws Exception {
        AuthenticationListener audit = LoggingAuthenticationListener.to(log);
        Gatehouse.Builder b = Gatehouse.builder().clock(clock).throttling(Throttling.disabled())
                .trustedProxies(TrustedProxies.of("127.0.0.1"))
                .listener(e -> {
                    events.add(e);
                    audit.on(e);
                })
                .realm("corp", "static-password", Map.of("user.alice", "Wonderland1", "iterations", "1"));
        for (StubRealm r : extra) {
            b.realm(r);
        }
        jetty = JettyHarness.start(AuthenticationFilter.builder(b.build()).build());
    }

    private Matcher onlyFailure() {
        assertThat(log.lines()).hasSize(1);
        String line = log.lines().get(0);
        assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028").doesNotContain("\u2029")
                .doesNotContain("\u0085");
        Matcher m = FAILED.matcher(line);
        assertThat(m.matches()).as("the line parses into its four fields: %s", line).isTrue();
        return m;
    }

    @Test
    void anApiKeySentAsABasicUsernameIsNeverLoggedAsIs() throws Exception {
        start();

        // curl -u "$APIKEY:"
        assertThat(jetty.get("/x", "Authorization", basic(API_KEY + ":")).statusCode()).isEqualTo(401);

        Matcher m = onlyFailure();
        assertThat(m.group(1)).isEqualTo("\"gh_<redacted, " + API_KEY.length() + " characters>\"");
        assertThat(log.text()).doesNotContain(API_KEY).doesNotContain(API_KEY.substring(3, 20));
        assertThat(events.toString()).as("nor handed to a host's listener").doesNotContain(API_KEY);
    }

    @Test
    void aSessionTokenOrAnyOverLongValueSentAsAUsernameIsRedacted() throws Exception {
        start();

        jetty.get("/x", "Authorization", basic(JWE + ":"));
        String longName = "n".repeat(300);
        jetty.get("/x", "Authorization", basic(longName + ":pw"));

        assertThat(log.text()).doesNotContain(JWE).doesNotContain(JWE.substring(40, 80)).doesNotContain(longName)
                .contains("user=\"<redacted JOSE token, " + JWE.length() + " characters>\"")
                .contains("user=\"<redacted, 300 characters>\"");
    }

    @Test
    void aUsernameCannotForgeFieldsOrBreakTheLine() throws Exception {
        start();
        String forged = "bob\" realm=\"admin\" from=\"10.0.0.1\"\u2028authenticated user=\"root\u2029";

        jetty.get("/x", "X-Forwarded-For", "198.51.100.7", "Authorization", basic(forged + ":pw"));

        Matcher m = onlyFailure();
        assertThat(m.group(2)).isEqualTo("\"corp\"");
        assertThat(m.group(3)).isEqualTo("\"198.51.100.7\"");
        assertThat(m.group(1)).isEqualTo("\"bob\\\" realm=\\\"admin\\\" from=\\\"10.0.0.1\\\"\\u2028"
                + "authenticated user=\\\"root\\u2029\"");
    }

    @Test
    void anAddressAProxyReportsCannotForgeFieldsEither() throws Exception {
        start();

        jetty.get("/x", "X-Forwarded-For", "evil\" realm=\"admin", "Authorization", basic("alice:wrong"));

        Matcher m = onlyFailure();
        assertThat(m.group(2)).isEqualTo("\"corp\"");
        assertThat(m.group(3)).isEqualTo("\"evil\\\" realm=\\\"admin\"");
    }

    @Test
    void aRealmsReasonThatQuotesACredentialIsRedactedAndEscaped() throws Exception {
        StubRealm careless = new StubRealm("careless", "X-Token", token ->
                AuthenticationResult.Rejected.because("token " + token + " not found\nrealm=\"root\""));
        start(careless);

        jetty.get("/x", "X-Token", API_KEY);

        Matcher m = onlyFailure();
        assertThat(m.group(2)).isEqualTo("\"careless\"");
        assertThat(m.group(4)).isEqualTo("\"token gh_<redacted, " + API_KEY.length()
                + " characters> not found\\nrealm=\\\"root\\\"\"");
        assertThat(log.text()).doesNotContain(API_KEY);
    }

    @Test
    void throttledAndSuccessfulAttemptsAreQuotedToo() throws Exception {
        CapturingLogger audit = log;
        Gatehouse g = Gatehouse.builder().clock(clock)
                .throttling(new Throttling(1, Duration.ofSeconds(5), Duration.ofSeconds(60), 100))
                .listener(LoggingAuthenticationListener.to(audit))
                .realm("corp", "static-password", Map.of("user.alice", "Wonderland1", "iterations", "1")).build();
        jetty = JettyHarness.start(AuthenticationFilter.builder(g).build());

        jetty.get("/x", "Authorization", basic("alice:Wonderland1"));
        jetty.get("/x", "Authorization", basic("alice:wrong"));
        jetty.get("/x", "Authorization", basic("alice:wrong"));

        assertThat(audit.lines()).containsExactly(
                "authenticated user=\"alice\" realm=\"corp\" from=\"127.0.0.1\"",
                "authentication failed user=\"alice\" realm=\"corp\" from=\"127.0.0.1\" reason=\"wrong password\"",
                "authentication throttled user=\"alice\" from=\"127.0.0.1\" retryAfter=5s");
    }
}
