package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.LogSafe;
import dev.gatehouse.core.Login;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.ProcessPolicy;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.TrustedProxies;
import dev.gatehouse.core.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The request-time half of {@link dev.gatehouse.core.Gatehouse}. Immutable and thread-safe. */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    static final String AUTHENTICATION_REQUIRED = "Authentication required";
    static final String UNSUPPORTED_CREDENTIALS = "Unsupported credentials: no realm accepts them";
    static final String TOO_MANY_FAILURES = "Too many failed attempts; retry later";
    static final String UNAVAILABLE = "Authentication service unavailable; retry later";
    static final String UNUSABLE_LOGIN = "unusable login: longer than " + Login.MAX_LENGTH
            + " characters, blank, or holding a control character; not verified";
    private static final Decision ANONYMOUS = new Decision.Anonymous();

    /** What configures an engine besides its realms. */
    public record Options(UserDirectory users, Clock clock, Throttling throttling, AuthenticationListener listener,
            TrustedProxies proxies, List<String> credentialPrecedence, ProcessPolicy processPolicy) {}

    private final Realm[] realms;
    private final List<Realm> realmList;
    /** Every header some realm reads credentials from, {@code Authorization} first. */
    private final String[] credentialHeaders;
    private final Set<String> credentialHeaderSet;
    private final List<String> precedence;
    private final List<String> challenges;
    private final UserDirectory users;
    private final Clock clock;
    private final ThrottleRegistry throttle;
    private final Set<Login.Form> loginForms;
    private final AuthenticationListener listener;
    private final TrustedProxies proxies;
    private final ProcessPolicy processPolicy;

    public Engine(List<Realm> realms, Options options) {
        this.realmList = List.copyOf(realms);
        this.realms = realmList.toArray(new Realm[0]);
        Set<String> headers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        List<String> ordered = new ArrayList<>();
        ordered.add(RequestView.AUTHORIZATION);
        headers.add(RequestView.AUTHORIZATION);
        Set<String> offered = new java.util.LinkedHashSet<>();
        for (Realm r : realms) {
            for (String h : r.credentialHeaders()) {
                if (headers.add(h)) {
                    ordered.add(h);
                }
            }
            offered.addAll(r.challenges());
        }
        this.credentialHeaders = ordered.toArray(new String[0]);
        this.credentialHeaderSet = headers;
        this.precedence = checkPrecedence(options.credentialPrecedence(), headers);
        if (offered.isEmpty()) {
            offered.add("Bearer realm=\"gatehouse\"");
        }
        this.challenges = List.copyOf(offered);
        this.users = options.users();
        this.clock = options.clock();
        this.throttle = new ThrottleRegistry(options.throttling(), clock);
        this.loginForms = options.throttling().loginForms();
        this.listener = options.listener();
        this.proxies = options.proxies();
        this.processPolicy = options.processPolicy();
    }

    private static List<String> checkPrecedence(List<String> precedence, Set<String> headers) {
        if (precedence.isEmpty()) {
            return List.of();
        }
        String key = "gatehouse.credentialPrecedence";
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String h : precedence) {
            if (!headers.contains(h)) {
                throw new ConfigurationException(key + ": '" + h + "' is not a header any realm reads credentials from"
                        + " (they read: " + String.join(", ", headers) + ")");
            }
            if (!seen.add(h)) {
                throw new ConfigurationException(key + ": '" + h + "' is listed twice");
            }
        }
        if (seen.size() < 2) {
            throw new ConfigurationException(key + ": list at least two headers, in the order they take precedence");
        }
        return List.copyOf(precedence);
    }

    public List<Realm> realms() {
        return realmList;
    }

    public List<String> challenges() {
        return challenges;
    }

    public UserDirectory users() {
        return users;
    }

    /** The client's address as throttling and audit see it. */
    public String clientAddress(RequestView request) {
        return proxies.clientAddress(request);
    }

    /** The throttle, for tests of its bounds. */
    ThrottleRegistry throttle() {
        return throttle;
    }

    public Decision authenticate(RequestView request, AuthenticationMode mode) {
        AuthorizationHeader authorization = request.authorization();
        try {
            return decide(request, authorization, mode);
        } finally {
            if (authorization instanceof AuthorizationHeader.Basic basic) {
                basic.password().wipe();
            }
        }
    }

    /**
     * The request's client: its address and throttle key computed once, and only when needed (a
     * cached credential admitted with nothing to throttle or report needs neither).
     */
    private final class Client {
        private final RequestView request;
        private String address;
        private ThrottleRegistry.Key key;

        Client(RequestView request) {
            this.request = request;
        }

        String address() {
            if (address == null) {
                address = proxies.clientAddress(request);
            }
            return address;
        }

        ThrottleRegistry.Key key() {
            if (key == null) {
                key = throttle.addressKey(address());
            }
            return key;
        }
    }

    private Decision decide(RequestView request, AuthorizationHeader authorization, AuthenticationMode mode) {
        Client client = new Client(request);
        if (authorization instanceof AuthorizationHeader.Malformed malformed) {
            Optional<Duration> blocked = throttle.isDisabled() || throttle.isEmpty()
                    ? Optional.empty() : throttle.blockedAddress(client.key());
            if (blocked.isPresent()) {
                return throttled(client, Optional.empty(), blocked.get());
            }
            return fail(client, List.of(), Optional.empty(), Optional.empty(), malformed.problem(),
                    malformed.problem());
        }
        // One principal per request: count the credentials it carries before anything is verified.
        List<String> present = null;
        String only = null;
        boolean several = false;
        if (!(authorization instanceof AuthorizationHeader.Absent)) {
            only = RequestView.AUTHORIZATION;
        }
        for (int i = 1; i < credentialHeaders.length; i++) {
            String h = credentialHeaders[i];
            if (request.header(h).isEmpty()) {
                continue;
            }
            int values = request.headers(h).size();
            if (only == null && values == 1) {
                only = h;
                continue;
            }
            several = true;
            if (present == null) {
                present = new ArrayList<>();
                if (only != null) {
                    present.add(only);
                }
            }
            present.add(values > 1 ? h + " (" + values + " times)" : h);
        }
        if (only == null && !several) {
            return mode == AuthenticationMode.OPTIONAL
                    ? ANONYMOUS
                    : new Decision.Refused(401, AUTHENTICATION_REQUIRED, Optional.empty());
        }
        RequestView view = request;
        if (several) {
            Optional<String> chosen = choose(request, authorization);
            if (chosen.isEmpty()) {
                return conflicting(client, present);
            }
            view = new OneCredentialView(request, chosen.get(), credentialHeaderSet);
        }
        return verify(view, client);
    }

    /** The credential header the host's precedence picks, if it covers every one present. */
    private Optional<String> choose(RequestView request, AuthorizationHeader authorization) {
        if (precedence.isEmpty()) {
            return Optional.empty();
        }
        String chosen = null;
        for (String h : precedence) {
            boolean isAuthorization = h.equalsIgnoreCase(RequestView.AUTHORIZATION);
            int values = isAuthorization ? (authorization instanceof AuthorizationHeader.Absent ? 0 : 1)
                    : request.headers(h).size();
            if (values > 0 && chosen == null) {
                if (values > 1) {
                    return Optional.empty();
                }
                chosen = h;
            }
        }
        for (String h : credentialHeaders) {
            boolean isPresent = h.equalsIgnoreCase(RequestView.AUTHORIZATION)
                    ? !(authorization instanceof AuthorizationHeader.Absent)
                    : request.header(h).isPresent();
            if (isPresent && precedence.stream().noneMatch(h::equalsIgnoreCase)) {
                return Optional.empty(); // the host said nothing about this one
            }
        }
        return Optional.ofNullable(chosen);
    }

    private Decision verify(RequestView request, Client client) {
        boolean throttling = !throttle.isDisabled();
        if (throttling && !throttle.isEmpty()) {
            Optional<Duration> blocked = throttle.blockedAddress(client.key());
            if (blocked.isPresent()) {
                return throttled(client, Optional.empty(), blocked.get());
            }
        }
        boolean recognised = false;
        Optional<String> claimed = Optional.empty();
        List<ThrottleRegistry.Principal> charged = List.of(); // allocated on the first principal
        AuthenticationResult.Rejected rejected = null;
        String rejectedBy = null;
        AuthenticationResult.Unavailable unavailable = null;
        Duration accountBlocked = null;
        for (Realm realm : realms) {
            Optional<Credentials> read;
            try {
                read = realm.credentials(request);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("realm {} failed to read credentials; refusing the request", realm.name(), e);
                read = Optional.of(UnreadableCredentials.INSTANCE);
            }
            if (read == null || read.isEmpty()) {
                continue;
            }
            recognised = true;
            Credentials credentials = read.get();
            Login typed = null; // what the throttle counts for this username, if it throttles
            ThrottleRegistry.Principal login = null; // its key, computed only when a table needs it
            AuthenticationResult result = null;
            Optional<String> username = credentials == UnreadableCredentials.INSTANCE
                    ? Optional.empty() : credentials.username();
            if (username.isPresent()) {
                if (claimed.isEmpty()) {
                    claimed = Optional.of(LogSafe.login(username.get()));
                }
                Optional<Login> parsed = Login.parse(username.get(), loginForms);
                if (parsed.isEmpty()) {
                    result = AuthenticationResult.Rejected.because(UNUSABLE_LOGIN); // reaches no table, no realm
                } else if (throttling) {
                    typed = parsed.get();
                }
            }
            // A token (no username) is charged to its client address only, and to the account a
            // realm names in its rejection: tokens are not guessable, so a per-address count of 5
            // would only let one stale key lock out every valid key behind the same address.
            if (typed != null && !throttle.isEmpty()) {
                login = throttle.login(typed.user());
                charged = with(charged, login);
                Optional<Duration> blocked = blockedBeforeVerifying(client, login);
                if (blocked.isPresent()) {
                    return throttled(client, claimed, blocked.get());
                }
            }
            if (result == null) {
                result = credentials == UnreadableCredentials.INSTANCE
                        ? AuthenticationResult.Rejected.because("realm " + realm.name() + " failed to read credentials")
                        : verify(realm, credentials);
            }
            if (typed != null && login == null && !(result instanceof AuthenticationResult.Authenticated)) {
                // an empty throttle had nothing to check before; a failure is counted from here on
                login = throttle.login(typed.user());
                charged = with(charged, login);
            }
            if (result instanceof AuthenticationResult.Authenticated authenticated) {
                return admit(realm, authenticated, client, typed, login, claimed);
            } else if (result instanceof AuthenticationResult.Rejected r) {
                if (throttling && r.account().isPresent()) {
                    ThrottleRegistry.Principal account = throttle.account(realm.name(), Login.normalise(r.account().get()));
                    Optional<Duration> blocked = throttle.isEmpty() ? Optional.empty() : throttle.blocked(account, client.key());
                    if (blocked.isPresent()) {
                        // Blocked: the answer must not depend on whether the password was right.
                        accountBlocked = accountBlocked == null || blocked.get().compareTo(accountBlocked) > 0
                                ? blocked.get() : accountBlocked;
                    } else {
                        charged = with(charged, account);
                    }
                }
                if (rejected == null) {
                    rejected = r;
                    rejectedBy = realm.name();
                }
                if (r.conclusive()) {
                    break;
                }
            } else if (result instanceof AuthenticationResult.Unavailable u) {
                if (unavailable == null) {
                    unavailable = u;
                    LOG.warn("realm {}: backend {} unavailable", realm.name(), u.backend());
                }
            }
        }
        if (!recognised) {
            return fail(client, List.of(), Optional.empty(), Optional.empty(),
                    "no realm accepts the presented credentials", UNSUPPORTED_CREDENTIALS);
        }
        if (accountBlocked != null) {
            return throttled(client, claimed, accountBlocked);
        }
        if (unavailable != null) {
            // The credentials may be right: a backend that is down is not the caller's failure.
            notify(new AuthenticationEvent.Failed(clock.instant(), client.address(), Optional.empty(), claimed,
                    "backend unavailable: " + unavailable.backend()));
            return new Decision.Refused(503, UNAVAILABLE, Optional.of(unavailable.retryAfter()));
        }
        if (rejected == null) {
            return fail(client, charged, Optional.empty(), claimed, "every realm declined the credentials",
                    AuthenticationResult.Rejected.INVALID_CREDENTIALS);
        }
        return fail(client, charged, Optional.of(rejectedBy), claimed, rejected.reason(), rejected.clientMessage());
    }

    /**
     * Lets an authenticated caller through, unless its account is blocked for this address; then
     * forgets that account's failures from this address, and the login's, and nothing else.
     */
    private Decision admit(Realm realm, AuthenticationResult.Authenticated authenticated, Client client,
            Login typed, ThrottleRegistry.Principal login, Optional<String> claimed) {
        if (!throttle.isDisabled() && !throttle.isEmpty()) {
            // the key is computed here when the table was empty before the realm verified
            ThrottleRegistry.Principal typedKey = login != null || typed == null ? login : throttle.login(typed.user());
            ThrottleRegistry.Principal account = throttle.account(realm.name(), Login.normalise(authenticated.accountName()));
            Optional<Duration> blocked = throttle.blocked(account, client.key());
            if (blocked.isPresent()) {
                return throttled(client, claimed, blocked.get());
            }
            List<ThrottleRegistry.Principal> own = typedKey == null ? List.of(account) : List.of(typedKey, account);
            throttle.success(client.key(), own);
        }
        Identity identity = authenticated.identity();
        if (identity.process().isPresent()) {
            identity = narrow(realm, identity, identity.process().get());
        }
        if (listener.receivesSuccesses(realm.name())) {
            notify(new AuthenticationEvent.Succeeded(clock.instant(), client.address(), identity));
        }
        return new Decision.Authenticated(identity);
    }

    /**
     * A process's identity, limited to what the process policy grants (and to what its credential
     * already allowed, if it was limited). A policy that fails grants nothing: fail closed.
     */
    private Identity narrow(Realm realm, Identity identity, ProcessRef process) {
        Set<Permission> granted;
        try {
            granted = processPolicy.permissions(process, identity);
            if (granted == null) {
                throw new IllegalStateException("the process policy returned null");
            }
        } catch (RuntimeException e) {
            // the policy is the host's code, whose messages may carry anything: the type only
            LOG.error("process policy failed ({}) for a process identity of realm {}; it gets no permissions",
                    e.getClass().getName(), realm.name());
            granted = Set.of();
        }
        Set<Permission> effective = identity.scopes().isPresent()
                ? Permission.intersection(identity.scopes().get(), granted) : granted;
        return identity.toBuilder().scopes(effective).build();
    }

    private static List<ThrottleRegistry.Principal> with(List<ThrottleRegistry.Principal> list,
            ThrottleRegistry.Principal p) {
        if (list.contains(p)) {
            return list;
        }
        List<ThrottleRegistry.Principal> out = list.isEmpty() ? new ArrayList<>(3) : list;
        out.add(p);
        return out;
    }

    private Optional<Duration> blockedBeforeVerifying(Client client, ThrottleRegistry.Principal principal) {
        if (throttle.isDisabled() || throttle.isEmpty()) {
            return Optional.empty(); // the common case needs no key at all
        }
        Optional<Duration> address = throttle.blockedAddress(client.key());
        Optional<Duration> own = throttle.blocked(principal, client.key());
        if (address.isPresent() && own.isPresent()) {
            return address.get().compareTo(own.get()) >= 0 ? address : own;
        }
        return address.isPresent() ? address : own;
    }

    private AuthenticationResult verify(Realm realm, Credentials credentials) {
        try {
            AuthenticationResult result = realm.authenticate(credentials);
            if (result == null) {
                LOG.error("realm {} returned null; refusing the request", realm.name());
                return AuthenticationResult.Rejected.because("realm " + realm.name() + " returned no result");
            }
            return result;
        } catch (BackendUnavailableException e) {
            return e.toResult(); // an outage is never the caller's failure
        } catch (RuntimeException | LinkageError e) {
            LOG.error("realm {} failed; refusing the request", realm.name(), e);
            return AuthenticationResult.Rejected.because("realm " + realm.name() + " failed: " + e.getClass().getName());
        }
    }

    private Decision conflicting(Client client, List<String> present) {
        String message = "Conflicting credentials: the request carries more than one (" + String.join(", ", present)
                + "); send exactly one";
        notify(new AuthenticationEvent.Failed(clock.instant(), client.address(), Optional.empty(), Optional.empty(), message));
        return new Decision.Refused(400, message, Optional.empty());
    }

    private Decision fail(Client client, List<ThrottleRegistry.Principal> charged, Optional<String> realm,
            Optional<String> username, String reason, String clientMessage) {
        if (!throttle.isDisabled()) {
            throttle.failure(client.key(), charged);
        }
        notify(new AuthenticationEvent.Failed(clock.instant(), client.address(), realm, username, reason));
        return new Decision.Refused(401, clientMessage, Optional.empty());
    }

    private Decision throttled(Client client, Optional<String> username, Duration retryAfter) {
        notify(new AuthenticationEvent.Throttled(clock.instant(), client.address(), username, retryAfter));
        return new Decision.Refused(429, TOO_MANY_FAILURES, Optional.of(retryAfter));
    }

    private void notify(AuthenticationEvent event) {
        try {
            listener.on(event);
        } catch (RuntimeException e) {
            LOG.error("authentication listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    /** Stands for credentials a realm failed to read: they were presented, and they fail. */
    private enum UnreadableCredentials implements Credentials {
        INSTANCE
    }
}
