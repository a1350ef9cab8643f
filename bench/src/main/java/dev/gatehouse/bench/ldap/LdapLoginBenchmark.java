package dev.gatehouse.bench.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Password;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UsernamePassword;
import dev.gatehouse.ldap.LdapRealm;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import javax.naming.AuthenticationException;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.InitialLdapContext;
import javax.naming.ldap.LdapContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Password logins against UnboundID's in-process directory on loopback, three ways:
 *
 * <ul>
 *   <li>{@code cachedLogin}: Gatehouse's LDAP realm answering from its login cache (salted
 *       SHA-256 compare, then the user record through Accounts);
 *   <li>{@code cachedLoginThroughGatehouse}: the same, as a request: the {@code Authorization}
 *       header parsed, the throttle consulted, the realm chosen ({@link Gatehouse#authenticate});
 *   <li>{@code uncachedLogin}: the realm with the cache off: a search on the pooled service
 *       connection, a bind and revert on the pooled bind connection;
 *   <li>{@code jndiBindPerLogin}: the way Concord and Shiro do it over JNDI
 *       ({@code com.sun.jndi.ldap}): a system context (JNDI-pooled, as Shiro's
 *       JndiLdapContextFactory pools system contexts) for the search, then a new, unpooled context
 *       bound as the user for every login.
 * </ul>
 *
 * <p>Logins rotate over {@value #USERS} users. Run:
 * {@code java -jar bench/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s LdapLogin}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LdapLoginBenchmark {

    static final int USERS = 64;
    static final String BASE = "dc=example,dc=org";
    static final String SERVICE_DN = "cn=gatehouse,ou=services," + BASE;
    static final String SERVICE_PASSWORD = "service-secret";

    private InMemoryDirectoryServer server;
    private String url;
    private LdapRealm cached;
    private LdapRealm uncached;
    private Gatehouse gatehouse;
    private UsernamePassword[] logins;
    private String[] basicHeaders;

    /** Each thread's position in the rotation of users. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int take() {
            int i = next;
            next = (i + 1) % USERS;
            return i;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: " + SERVICE_DN, "objectClass: person", "cn: gatehouse", "sn: service",
                "userPassword: " + SERVICE_PASSWORD);
        logins = new UsernamePassword[USERS];
        basicHeaders = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            server.add("dn: uid=user" + i + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: user" + i,
                    "cn: User " + i, "sn: " + i, "mail: user" + i + "@example.org", "userPassword: password-" + i);
            logins[i] = new UsernamePassword("user" + i, Password.of("password-" + i));
            basicHeaders[i] = "Basic " + Base64.getEncoder().encodeToString(("user" + i + ":password-" + i)
                    .getBytes(StandardCharsets.UTF_8));
        }
        server.startListening();
        url = "ldap://127.0.0.1:" + server.getListenPort();
        UserDirectory users = UserDirectory.inMemory(Clock.systemUTC());
        cached = realm(users, Duration.ofMinutes(10));
        uncached = realm(UserDirectory.inMemory(Clock.systemUTC()), Duration.ZERO);
        gatehouse = Gatehouse.builder().users(users).realm(cached).build();
        for (int i = 0; i < USERS; i++) {
            check(cached.authenticate(logins[i]));
            check(jndiBindPerLogin(logins[i]));
            check(request(i));
        }
    }

    private LdapRealm realm(UserDirectory users, Duration cacheDuration) {
        return LdapRealm.builder("ldap", new Accounts(users, Clock.systemUTC()))
                .url(url)
                .searchBase(BASE)
                .principalSearchFilter("(uid={0})")
                .systemUsername(SERVICE_DN)
                .systemPassword(SERVICE_PASSWORD.toCharArray())
                .cacheDuration(cacheDuration)
                .build();
    }

    private static void check(Object result) {
        if (!(result instanceof AuthenticationResult.Authenticated) && !(result instanceof Decision.Authenticated)
                && !Boolean.TRUE.equals(result)) {
            throw new IllegalStateException("login failed in setup: " + result);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gatehouse.close();
        uncached.close();
        server.shutDown(true);
    }

    @Benchmark
    public AuthenticationResult cachedLogin(Cursor cursor) {
        return cached.authenticate(logins[cursor.take()]);
    }

    @Benchmark
    public Decision cachedLoginThroughGatehouse(Cursor cursor) {
        Decision decision = request(cursor.take());
        if (!(decision instanceof Decision.Authenticated)) {
            throw new IllegalStateException("the request was refused: " + decision);
        }
        return decision;
    }

    /** A request with user {@code i}'s Basic header, built anew: authenticating wipes its password. */
    private Decision request(int i) {
        return gatehouse.authenticate(RequestView.builder().path("/api/v1/org").header("Authorization", basicHeaders[i])
                .build(), AuthenticationMode.REQUIRED);
    }

    @Benchmark
    public AuthenticationResult uncachedLogin(Cursor cursor) {
        return uncached.authenticate(logins[cursor.take()]);
    }

    @Benchmark
    public Boolean jndiBindPerLogin(Cursor cursor) throws NamingException {
        return jndiBindPerLogin(logins[cursor.take()]);
    }

    /** Search with a (JNDI-pooled) system context, then bind as the user on a new connection. */
    private Boolean jndiBindPerLogin(UsernamePassword login) throws NamingException {
        String dn;
        LdapContext system = new InitialLdapContext(env(SERVICE_DN, SERVICE_PASSWORD.toCharArray(), true), null);
        try {
            SearchControls controls = new SearchControls();
            controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
            controls.setReturningAttributes(new String[] {"mail", "cn"});
            NamingEnumeration<SearchResult> results = system.search(BASE, "(uid={0})", new Object[] {login.name()}, controls);
            try {
                if (!results.hasMore()) {
                    return false;
                }
                dn = results.next().getNameInNamespace();
            } finally {
                results.close();
            }
        } finally {
            system.close();
        }
        try {
            new InitialLdapContext(env(dn, login.password().revealChars(), false), null).close();
            return true;
        } catch (AuthenticationException e) {
            return false;
        }
    }

    private Hashtable<String, Object> env(String principal, char[] password, boolean pooled) {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, url);
        env.put(Context.SECURITY_AUTHENTICATION, "simple");
        env.put(Context.SECURITY_PRINCIPAL, principal);
        env.put(Context.SECURITY_CREDENTIALS, password);
        env.put("com.sun.jndi.ldap.connect.pool", Boolean.toString(pooled));
        env.put("com.sun.jndi.ldap.connect.timeout", "5000");
        env.put("com.sun.jndi.ldap.read.timeout", "10000");
        return env;
    }
}
