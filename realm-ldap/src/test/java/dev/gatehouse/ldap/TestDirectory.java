package dev.gatehouse.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ReadOnlySearchRequest;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * UnboundID's in-process directory server on a fixed loopback port (so it can be stopped and
 * started again at the same address), counting every search and bind it receives.
 *
 * <p>{@link #activeDirectory()} has no schema checking, so entries can carry Active Directory's
 * {@code sAMAccountName}, {@code userPrincipalName} and {@code memberOf}; binds by user principal
 * name are mapped to the entry's DN, as Active Directory does.
 */
final class TestDirectory implements AutoCloseable {

    static final String BASE = "dc=example,dc=org";
    static final String SERVICE_DN = "cn=gatehouse,ou=services," + BASE;
    static final String SERVICE_PASSWORD = "service-secret";

    final InMemoryDirectoryServer server;
    final int port;
    final AtomicInteger binds = new AtomicInteger();
    final AtomicInteger searches = new AtomicInteger();
    /** Anonymous binds that return a bind connection to its unauthenticated state. */
    final AtomicInteger reverts = new AtomicInteger();
    final List<String> bindNames = new CopyOnWriteArrayList<>();
    final List<String> searchFilters = new CopyOnWriteArrayList<>();
    final Map<String, String> upnToDn = new ConcurrentHashMap<>();
    volatile CountDownLatch holdSearches;
    volatile UnaryOperator<String> rewriteFilter = UnaryOperator.identity();

    private TestDirectory(boolean activeDirectory) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        if (activeDirectory) {
            config.setSchema(null);
        }
        port = freePort();
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), port, null));
        config.addInMemoryOperationInterceptor(new Counter());
        server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: ou=admins," + BASE, "objectClass: organizationalUnit", "ou: admins");
        server.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
        server.add("dn: " + SERVICE_DN, "objectClass: person", "cn: gatehouse", "sn: service",
                "userPassword: " + SERVICE_PASSWORD);
        server.startListening();
    }

    /** A directory with the standard schema (inetOrgPerson, groupOfNames), like OpenLDAP. */
    static TestDirectory standard() throws Exception {
        return new TestDirectory(false);
    }

    /** A directory that takes Active Directory's attributes. */
    static TestDirectory activeDirectory() throws Exception {
        return new TestDirectory(true);
    }

    String url() {
        return "ldap://127.0.0.1:" + port;
    }

    /** The realm settings every test starts from. */
    Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("url", url());
        s.put("searchBase", BASE);
        s.put("principalSearchFilter", "(uid={0})");
        s.put("systemUsername", SERVICE_DN);
        s.put("systemPassword", SERVICE_PASSWORD);
        s.put("connectTimeout", "2s");
        s.put("readTimeout", "3s");
        s.put("retryAfter", "7s");
        return s;
    }

    void addPerson(String uid, String ou, String password, String... extra) throws Exception {
        String[] lines = new String[7 + extra.length];
        lines[0] = "dn: uid=" + uid + ",ou=" + ou + "," + BASE;
        lines[1] = "objectClass: inetOrgPerson";
        lines[2] = "uid: " + uid;
        lines[3] = "cn: " + uid;
        lines[4] = "sn: " + uid;
        lines[5] = "userPassword: " + password;
        lines[6] = "description: person " + uid;
        System.arraycopy(extra, 0, lines, 7, extra.length);
        server.add(lines);
    }

    void addGroup(String cn, String... memberUids) throws Exception {
        String[] lines = new String[3 + memberUids.length];
        lines[0] = "dn: cn=" + cn + ",ou=groups," + BASE;
        lines[1] = "objectClass: groupOfNames";
        lines[2] = "cn: " + cn;
        for (int i = 0; i < memberUids.length; i++) {
            lines[3 + i] = "member: " + memberUids[i];
        }
        server.add(lines);
    }

    int operations() {
        return binds.get() + searches.get();
    }

    void resetCounters() {
        binds.set(0);
        searches.set(0);
        reverts.set(0);
        bindNames.clear();
        searchFilters.clear();
    }

    /** Stops listening and drops every connection: the directory is "down". */
    void stop() {
        server.shutDown(true);
    }

    /** Listens again on the same port. */
    void start() throws Exception {
        server.startListening();
    }

    @Override
    public void close() {
        server.shutDown(true);
    }

    static int freePort() throws IOException {
        return dev.gatehouse.ldap.testing.Slapd.freePort();
    }

    private final class Counter extends InMemoryOperationInterceptor {
        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
            ReadOnlySearchRequest r = request.getRequest();
            String filter = r.getFilter().toString();
            if (!r.getBaseDN().isEmpty()) { // the pool's own root DSE checks are not the realm's searches
                searches.incrementAndGet();
                searchFilters.add(filter);
            }
            CountDownLatch hold = holdSearches;
            if (hold != null) {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String rewritten = rewriteFilter.apply(filter);
            if (!rewritten.equals(filter)) {
                SearchRequest copy = r.duplicate();
                copy.setFilter(Filter.create(rewritten));
                request.setRequest(copy);
            }
        }

        @Override
        public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) throws LDAPException {
            SimpleBindRequest r = request.getRequest();
            if (r.getBindDN().isEmpty() && r.getPassword().getValueLength() == 0) {
                reverts.incrementAndGet(); // reverting a pooled connection to anonymous
                return;
            }
            if (r.getBindDN().equalsIgnoreCase(SERVICE_DN)) {
                return; // the search pool connecting as the service account
            }
            binds.incrementAndGet();
            bindNames.add(r.getBindDN());
            String dn = upnToDn.get(r.getBindDN().toLowerCase(Locale.ROOT));
            if (dn != null) {
                request.setRequest(new SimpleBindRequest(dn, r.getPassword().getValue()));
            }
        }
    }
}
