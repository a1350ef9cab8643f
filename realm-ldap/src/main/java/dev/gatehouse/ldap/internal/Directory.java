package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import dev.gatehouse.core.BackendUnavailableException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * The LDAP side of the realm, on the UnboundID SDK: two connection pools over one failover list
 * of servers.
 *
 * <ul>
 *   <li>the search pool is bound as the service account ({@code systemUsername}) and only
 *       searches;
 *   <li>the bind pool holds unauthenticated connections used only to check users' passwords: a
 *       bind as the user, then an anonymous bind, so a pooled connection never keeps a user's
 *       identity or password after the check.
 * </ul>
 *
 * <p>Every operation runs within the login's {@link Deadline}: each request's response timeout
 * is what is left of it. Pools never grow past {@code poolSize}: a storm waits for a connection
 * rather than opening new ones. A connection that failed is closed and replaced on a later
 * checkout, and an operation whose connection broke at once (not one that timed out) is retried
 * once on a fresh one within the same deadline, which is how the realm recovers by itself when a
 * directory comes back. Thread-safe.
 */
public final class Directory implements AutoCloseable {

    /** What a search for the login found. */
    public sealed interface Lookup {
        /** Exactly one entry. */
        record Found(SearchResultEntry entry) implements Lookup {}

        /** No entry. */
        record NotFound() implements Lookup {}

        /** Two or more entries: the login is ambiguous. */
        record NotUnique() implements Lookup {}
    }

    /** Active Directory's account flags; bit {@value #ACCOUNT_DISABLE} set means disabled. */
    public static final String USER_ACCOUNT_CONTROL = "userAccountControl";
    /** The ACCOUNTDISABLE flag of {@link #USER_ACCOUNT_CONTROL}. */
    public static final int ACCOUNT_DISABLE = 0x2;

    private static final Set<ResultCode> DOWN = Set.of(ResultCode.SERVER_DOWN, ResultCode.CONNECT_ERROR,
            ResultCode.TIMEOUT, ResultCode.UNAVAILABLE, ResultCode.BUSY, ResultCode.LOCAL_ERROR,
            ResultCode.DECODING_ERROR, ResultCode.ENCODING_ERROR, ResultCode.NO_MEMORY);

    private static final long MAX_CONNECTION_AGE_MILLIS = 10 * 60_000L;

    private final LdapConfig config;
    private final LDAPConnectionPool searchPool;
    private final LDAPConnectionPool bindPool;
    private final String[] userAttributes;
    private final String simulatedBindDn;

    /**
     * Opens both pools. A directory that is down at start-up is not an error: the pools connect
     * when it comes back.
     *
     * @throws IllegalArgumentException starting with {@code trustStore} if TLS cannot be set up
     *     (a trust store that cannot be read)
     */
    public Directory(LdapConfig config) {
        this.config = config;
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) config.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(config.readTimeout().toMillis());
        options.setFollowReferrals(false);
        options.setUseSynchronousMode(false);
        SocketFactory socketFactory = null;
        PostConnectProcessor startTls = null;
        if (config.tls()) {
            SSLSocketFactory tls = sslSocketFactory(config);
            if (config.verifyHostname()) {
                options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
            }
            if (config.ldaps()) {
                socketFactory = tls;
            } else {
                startTls = new StartTLSPostConnectProcessor(tls);
            }
        }
        String[] hosts = new String[config.urls().size()];
        int[] ports = new int[config.urls().size()];
        for (int i = 0; i < hosts.length; i++) {
            LDAPURL u = config.urls().get(i);
            hosts[i] = u.getHost();
            ports[i] = u.getPort();
        }
        FailoverServerSet servers = socketFactory == null
                ? new FailoverServerSet(hosts, ports, options)
                : new FailoverServerSet(hosts, ports, socketFactory, options);
        // Connections to a later server in the list are retired after a while, so the pool
        // returns to the first server once it is back.
        servers.setMaxFailoverConnectionAgeMillis(Math.max(60_000L, config.readTimeout().toMillis()));

        BindRequest service = null;
        if (config.systemUsername().isPresent()) {
            char[] pw = config.systemPassword();
            byte[] bytes = PasswordDigest.utf8(pw);
            Arrays.fill(pw, '\0');
            // the request keeps this array (not a copy) to bind every new pooled connection
            service = new SimpleBindRequest(config.systemUsername().get(), bytes);
        }
        searchPool = pool(servers, service, startTls, config, "search");
        try {
            bindPool = pool(servers, null, startTls, config, "bind");
        } catch (RuntimeException e) {
            searchPool.close();
            throw e;
        }
        Set<String> attrs = new LinkedHashSet<>();
        if (config.exposeAttributes().contains("*")) {
            attrs.add("*");
        } else {
            attrs.addAll(config.exposeAttributes());
        }
        config.usernameProperty().ifPresent(attrs::add);
        config.userPrincipalNameProperty().ifPresent(attrs::add);
        attrs.add(config.mailProperty());
        attrs.add(config.displayNameProperty());
        if (config.groupSearchFilter().isEmpty()) {
            attrs.add("memberOf"); // operational in OpenLDAP, so "*" alone would not return it
        }
        attrs.add(USER_ACCOUNT_CONTROL); // Active Directory's disabled bit, for the synchroniser
        userAttributes = attrs.toArray(new String[0]);
        // The simulated bind of logins that name no user goes to an entry that exists, as a wrong
        // password's bind does: a DN that does not exist is refused measurably faster.
        simulatedBindDn = config.simulatedBindDn();
    }

    private static LDAPConnectionPool pool(FailoverServerSet servers, BindRequest bind, PostConnectProcessor startTls,
            LdapConfig config, String purpose) {
        try {
            LDAPConnectionPool pool = new LDAPConnectionPool(servers, bind, 0, config.poolSize(), 1, startTls, false);
            pool.setConnectionPoolName("gatehouse-" + config.realmName() + "-" + purpose);
            pool.setCreateIfNecessary(false); // a storm waits for a connection; it does not open more
            pool.setMaxWaitTimeMillis(config.readTimeout().toMillis());
            // replaced before idle-timeouts of servers and firewalls (AD: 15 minutes) cut them
            pool.setMaxConnectionAgeMillis(MAX_CONNECTION_AGE_MILLIS);
            return pool;
        } catch (LDAPException e) {
            throw new IllegalArgumentException("url cannot be used for the " + purpose + " connection pool: "
                    + e.getMessage(), e);
        }
    }

    private static SSLSocketFactory sslSocketFactory(LdapConfig config) {
        try {
            SSLUtil ssl;
            if (config.trustStore().isPresent()) {
                char[] pw = config.trustStorePassword();
                ssl = new SSLUtil(new TrustStoreTrustManager(config.trustStore().get().toFile(),
                        pw.length == 0 ? null : pw, config.trustStoreType(), true));
            } else {
                ssl = new SSLUtil(JVMDefaultTrustManager.getInstance());
            }
            return ssl.createSSLSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore cannot be used to set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Searches for the entry of a login with the service account; asks for two entries at most.
     *
     * @throws BackendUnavailableException if no server answered before {@code deadline}, or the
     *     search failed
     */
    public Lookup find(Filter filter, Deadline deadline) {
        String what = "search under " + config.searchBase();
        SearchResult result;
        try {
            result = withConnection(searchPool, deadline, what, (c, timeout) -> {
                SearchRequest request = new SearchRequest(config.searchBase(), SearchScope.SUB, filter, userAttributes);
                request.setSizeLimit(2);
                limit(request, timeout);
                return c.search(request);
            });
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return new Lookup.NotUnique();
            }
            throw unavailable(what, e);
        } catch (LDAPException e) {
            throw unavailable(what, e);
        }
        List<SearchResultEntry> entries = result.getSearchEntries();
        if (entries.isEmpty()) {
            return new Lookup.NotFound();
        }
        return entries.size() == 1 ? new Lookup.Found(entries.get(0)) : new Lookup.NotUnique();
    }

    /**
     * Whether the entry {@code dn} matches {@code filter}, asked of the directory (a base search),
     * so that any filter the server understands works, extensible matches included.
     *
     * @throws BackendUnavailableException if no server answered before {@code deadline}, or the
     *     search failed
     */
    public boolean matches(String dn, Filter filter, Deadline deadline) {
        String what = "filter check of an entry";
        try {
            return withConnection(searchPool, deadline, what, (c, timeout) -> {
                SearchRequest request = new SearchRequest(dn, SearchScope.BASE, filter, "1.1");
                request.setSizeLimit(1);
                limit(request, timeout);
                return c.search(request).getEntryCount() > 0;
            });
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return false;
            }
            throw unavailable(what, e);
        } catch (LDAPException e) {
            throw unavailable(what, e);
        }
    }

    /**
     * Checks {@code password} by a simple bind as {@code bindName} on a bind-pool connection, then
     * returns that connection to an unauthenticated state (an anonymous bind), whatever the answer:
     * two round trips, for a right password and a wrong one alike.
     *
     * @return whether the directory accepted the password
     * @throws BackendUnavailableException if no server answered before {@code deadline}
     */
    public boolean bind(String bindName, byte[] password, Deadline deadline) {
        try {
            return withConnection(bindPool, deadline, "bind", (c, timeout) -> {
                SimpleBindRequest check = new SimpleBindRequest(bindName, password);
                check.setResponseTimeoutMillis(timeout);
                ResultCode answer;
                try {
                    answer = c.bind(check).getResultCode();
                } catch (LDAPException e) {
                    if (isDown(e.getResultCode())) {
                        throw e;
                    }
                    answer = e.getResultCode(); // invalid credentials, account locked or disabled...
                }
                SimpleBindRequest revert = new SimpleBindRequest();
                revert.setResponseTimeoutMillis(Math.max(1, deadline.remainingMillis()));
                try {
                    c.bind(revert);
                } catch (LDAPException e) {
                    // the answer stands; the connection, in an unknown state, must not be reused
                    throw new RevertFailed(answer == ResultCode.SUCCESS, e);
                }
                return answer == ResultCode.SUCCESS;
            });
        } catch (RevertFailed e) {
            return e.accepted;
        } catch (LDAPException e) {
            throw unavailable("bind", e);
        }
    }

    /**
     * A bind whose answer is ignored, costing what a real one costs, for logins that name no user:
     * as the existing entry {@code simulatedBindDn} (by default the search base), with the
     * presented password, then the revert, so that an unknown username does the same work as a
     * wrong password.
     *
     * @throws BackendUnavailableException if no server answered before {@code deadline}
     */
    public void simulatedBind(byte[] password, Deadline deadline) {
        bind(simulatedBindDn, password, deadline);
    }

    /**
     * The groups a group search finds for a user, named by {@code groupNameProperty}.
     *
     * @throws BackendUnavailableException if no server answered before {@code deadline}, or the
     *     search failed
     */
    public List<ProfileMapper.Group> searchGroups(Filter filter, Deadline deadline) {
        String what = "group search under " + config.groupSearchBase();
        SearchResult result;
        try {
            result = withConnection(searchPool, deadline, what, (c, timeout) -> {
                SearchRequest request = new SearchRequest(config.groupSearchBase(), SearchScope.SUB, filter,
                        config.groupNameProperty());
                request.setSizeLimit(10_000);
                limit(request, timeout);
                return c.search(request);
            });
        } catch (LDAPSearchException e) {
            if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw unavailable(what, e);
            }
            result = e.getSearchResult();
        } catch (LDAPException e) {
            throw unavailable(what, e);
        }
        List<ProfileMapper.Group> groups = new ArrayList<>();
        for (SearchResultEntry group : result.getSearchEntries()) {
            Attribute a = group.getAttribute(config.groupNameProperty());
            groups.add(a != null && a.getValue() != null
                    ? new ProfileMapper.Group(group.getDN(), a.getValue())
                    : ProfileMapper.Group.ofDn(group.getDN()));
        }
        return groups;
    }

    /** One operation on a checked-out connection, given the milliseconds left for it. */
    @FunctionalInterface
    private interface Operation<T> {
        T run(LDAPConnection connection, long timeoutMillis) throws LDAPException;
    }

    /** The bind was answered, but reverting the connection to anonymous failed. */
    private static final class RevertFailed extends LDAPException {
        private static final long serialVersionUID = 1L;
        final boolean accepted;

        RevertFailed(boolean accepted, LDAPException cause) {
            super(ResultCode.LOCAL_ERROR, "could not revert a bind connection to anonymous", cause);
            this.accepted = accepted;
        }
    }

    /**
     * Runs {@code operation} on a connection of {@code pool} within {@code deadline}. A connection
     * whose operation failed with a connection problem is closed, not returned to the pool (the pool
     * opens a new one on a later checkout). If it broke at once (a directory that restarted drops
     * its connections), the operation is tried once more on a fresh connection, with what is left
     * of the same deadline; a timeout is never retried, so a hung directory costs one wait, not two.
     */
    private <T> T withConnection(LDAPConnectionPool pool, Deadline deadline, String what, Operation<T> operation)
            throws LDAPException {
        for (int attempt = 1; ; attempt++) {
            if (deadline.passed()) {
                throw timedOut(what, deadline);
            }
            LDAPConnection c = pool.getConnection();
            long timeout = deadline.remainingMillis();
            if (timeout == 0) {
                pool.releaseConnection(c);
                throw timedOut(what, deadline);
            }
            try {
                T result = operation.run(c, timeout);
                pool.releaseConnection(c);
                return result;
            } catch (RevertFailed e) {
                pool.discardConnection(c);
                throw e;
            } catch (LDAPException e) {
                if (!isDown(e.getResultCode())) {
                    pool.releaseConnection(c);
                    throw e;
                }
                pool.discardConnection(c);
                if (attempt > 1 || e.getResultCode() == ResultCode.TIMEOUT || deadline.passed()) {
                    throw e;
                }
            } catch (RuntimeException e) {
                pool.discardConnection(c);
                throw e;
            }
        }
    }

    /** The client-side response timeout and the server-side time limit of a search. */
    private static void limit(SearchRequest request, long timeoutMillis) {
        request.setResponseTimeoutMillis(timeoutMillis);
        request.setTimeLimitSeconds((int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeoutMillis + 999) / 1000)));
    }

    private BackendUnavailableException timedOut(String what, Deadline deadline) {
        return new BackendUnavailableException(config.backend(), what + ": no answer within "
                + deadline.budget().toMillis() + " ms (readTimeout)", config.retryAfter(), null);
    }

    private BackendUnavailableException unavailable(String what, LDAPException e) {
        return new BackendUnavailableException(config.backend(), what + " failed: " + e.getResultCode()
                + (e.getDiagnosticMessage() == null ? "" : " (" + e.getDiagnosticMessage() + ")"), config.retryAfter(), e);
    }

    static boolean isDown(ResultCode rc) {
        return DOWN.contains(rc) || !ResultCode.isConnectionUsable(rc);
    }

    @Override
    public void close() {
        searchPool.close();
        bindPool.close();
    }
}
