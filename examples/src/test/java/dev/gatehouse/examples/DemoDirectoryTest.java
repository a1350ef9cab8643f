package dev.gatehouse.examples;

import static dev.gatehouse.examples.TestServers.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldif.LDIFException;
import dev.gatehouse.examples.internal.DemoDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process demo directory, attacked with UnboundID's client as an attacker on the machine
 * would: no anonymous reads, no password readable by anyone, no writes, schema checked, loopback
 * only; and the example server's logins still work against it.
 */
class DemoDirectoryTest {

    private static final String BASE = DemoDirectory.BASE_DN;
    private static final String MYUSER_DN = "cn=myuser,ou=people," + BASE;

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static LDAPURL url;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dataDir.resolve("data"), Map.of());
        url = new LDAPURL(server.demoDirectoryUrl().orElseThrow());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static LDAPConnection connect() throws LDAPException {
        return new LDAPConnection(url.getHost(), url.getPort());
    }

    private static ResultCode resultOf(ThrowingCall call) throws LDIFException {
        try {
            call.run();
            return ResultCode.SUCCESS;
        } catch (LDAPException e) {
            return e.getResultCode();
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws LDAPException, LDIFException;
    }

    @Test
    void anonymousSearchIsRefused() throws Exception {
        try (LDAPConnection anonymous = connect()) {
            assertThat(resultOf(() -> anonymous.search(BASE, SearchScope.SUB, "(objectClass=*)", "userPassword")))
                    .isNotEqualTo(ResultCode.SUCCESS);
            assertThat(resultOf(() -> anonymous.search(BASE, SearchScope.SUB, "(cn=myuser)")))
                    .isNotEqualTo(ResultCode.SUCCESS);
        }
    }

    @Test
    void noBoundUserReadsAPasswordNotEvenTheServiceAccount() throws Exception {
        try (LDAPConnection user = connect()) {
            user.bind(MYUSER_DN, "mypwd");
            SearchResult all = user.search(BASE, SearchScope.SUB, "(objectClass=*)", "*", "+", "userPassword");
            assertThat(all.getEntryCount()).isPositive();
            for (SearchResultEntry e : all.getSearchEntries()) {
                assertThat(e.hasAttribute("userPassword")).as(e.getDN()).isFalse();
            }
            assertThat(resultOf(() -> user.search(BASE, SearchScope.SUB, "(userPassword=mypwd)")))
                    .as("a filter on the password would test guesses").isEqualTo(ResultCode.INSUFFICIENT_ACCESS_RIGHTS);
            assertThat(resultOf(() -> user.compare(MYUSER_DN, "userPassword", "mypwd")))
                    .isNotEqualTo(ResultCode.COMPARE_TRUE);
        }
    }

    @Test
    void nobodyWritesNotAnonymouslyNotAsAUser() throws Exception {
        String[] entry = {"dn: cn=intruder,ou=people," + BASE, "objectClass: top", "objectClass: person",
            "objectClass: organizationalPerson", "objectClass: inetOrgPerson", "cn: intruder", "sn: X",
            "userPassword: Intruder123", "memberOf: cn=admins,ou=groups," + BASE};
        try (LDAPConnection anonymous = connect()) {
            assertThat(resultOf(() -> anonymous.add(entry))).isNotEqualTo(ResultCode.SUCCESS);
        }
        try (LDAPConnection user = connect()) {
            user.bind(MYUSER_DN, "mypwd");
            assertThat(resultOf(() -> user.add(entry))).isNotEqualTo(ResultCode.SUCCESS);
            assertThat(resultOf(() -> user.modify("dn: " + MYUSER_DN, "changetype: modify", "add: memberOf",
                    "memberOf: cn=admins,ou=groups," + BASE))).isNotEqualTo(ResultCode.SUCCESS);
            assertThat(resultOf(() -> user.delete("cn=bob,ou=people," + BASE))).isNotEqualTo(ResultCode.SUCCESS);
        }
        TestServers.Client http = new TestServers.Client(server);
        assertThat(http.get("/api/service/console/whoami", "Authorization", basic("intruder", "Intruder123"))
                .statusCode()).isEqualTo(401);
        assertThat(http.get("/api/service/console/whoami", "Authorization", basic("myuser", "mypwd")).body())
                .doesNotContain("admin");
    }

    @Test
    void schemaIsChecked() throws Exception {
        // A directory without a schema publishes none; this one publishes the standard one plus memberOf.
        try (LDAPConnection user = connect()) {
            user.bind(MYUSER_DN, "mypwd");
            SearchResultEntry schema = user.getEntry("cn=schema", "attributeTypes");
            assertThat(schema).as("the directory publishes a schema").isNotNull();
            assertThat(schema.getAttributeValues("attributeTypes")).anyMatch(a -> a.contains("'memberOf'"));
        }
    }

    @Test
    void directoryListensOnLoopbackOnly() throws Exception {
        assertThat(InetAddress.getByName(url.getHost()).isLoopbackAddress()).isTrue();
        Optional<InetAddress> external = TestServers.nonLoopbackAddress();
        if (external.isPresent()) {
            try (Socket s = new Socket()) {
                assertThatThrownBy(() -> s.connect(new InetSocketAddress(external.get(), url.getPort()), 2000))
                        .as("connecting through " + external.get()).isInstanceOf(IOException.class);
            }
        }
    }
}
