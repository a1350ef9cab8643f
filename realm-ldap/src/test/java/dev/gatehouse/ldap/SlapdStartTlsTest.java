package dev.gatehouse.ldap;

import dev.gatehouse.ldap.testing.Slapd;
import dev.gatehouse.ldap.testing.TestCa;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.UsernamePassword;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * StartTLS and ldaps against a slapd whose certificate a test CA made at run time, and which refuses
 * password binds over an unencrypted connection ({@code security simple_bind=128}).
 */
class SlapdStartTlsTest {

    private static Slapd slapd;
    private static TestCa.ServerFiles tls;
    private final TestContext context = new TestContext();
    private final List<LdapRealm> realms = new ArrayList<>();

    @BeforeAll
    static void startSlapd() throws Exception {
        tls = TestCa.create();
        slapd = Slapd.start(tls);
    }

    @AfterAll
    static void stopSlapd() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
    }

    @AfterEach
    void tearDown() {
        realms.forEach(LdapRealm::close);
    }

    private LdapRealm realm(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("url", slapd.url());
        s.put("searchBase", Slapd.BASE);
        s.put("principalSearchFilter", "(uid={0})");
        s.put("systemUsername", Slapd.SERVICE_DN);
        s.put("systemPassword", Slapd.SERVICE_PASSWORD);
        s.put("connectTimeout", "2s");
        s.put("readTimeout", "5s");
        s.putAll(extra);
        LdapRealm realm = context.realm(s);
        realms.add(realm);
        return realm;
    }

    private static AuthenticationResult login(LdapRealm realm, String user, String pw) {
        return realm.authenticate(new UsernamePassword(user, Password.of(pw)));
    }

    @Test
    void startTlsWithTheTestCaLogsIn() {
        LdapRealm realm = realm(Map.of("startTls", "true", "trustStore", tls.trustStore().toString(),
                "trustStorePassword", TestCa.STORE_PASSWORD, "trustStoreType", "PKCS12"));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void ldapsWithTheTestCaLogsIn() {
        LdapRealm realm = realm(Map.of("url", slapd.ldapsUrl(), "trustStore", tls.trustStore().toString(),
                "trustStorePassword", TestCa.STORE_PASSWORD));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Authenticated.class);
        assertThat(login(realm, "alice", "wrong")).isInstanceOf(AuthenticationResult.Rejected.class);
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        // The certificate names only ldap.gatehouse.invalid; reach the server as "localhost".
        // (The tests above use 127.0.0.1: UnboundID accepts any trusted certificate for a
        // numeric loopback address, so only a name can show the host name check.)
        String asLocalhost = slapd.ldapsUrl().replace("127.0.0.1", "localhost");
        LdapRealm realm = realm(Map.of("url", asLocalhost, "trustStore", tls.trustStore().toString(),
                "trustStorePassword", TestCa.STORE_PASSWORD));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
        // the same URL with the host name check off gets in: the refusal above was that check
        LdapRealm unchecked = realm(Map.of("url", asLocalhost, "trustStore", tls.trustStore().toString(),
                "trustStorePassword", TestCa.STORE_PASSWORD, "verifyHostname", "false"));
        assertThat(login(unchecked, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Authenticated.class);
    }

    @Test
    void withoutStartTlsTheServerRefusesToTalk() {
        // proves the server really demands TLS, so the test above cannot pass in clear text
        assertThat(login(realm(Map.of()), "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
    }

    @Test
    void anUntrustedCertificateIsNeverAccepted() {
        // the JVM's default trust store does not know the test CA: no fallback to clear text
        LdapRealm realm = realm(Map.of("startTls", "true"));
        assertThat(login(realm, "alice", "alice-pw")).isInstanceOf(AuthenticationResult.Unavailable.class);
    }
}
