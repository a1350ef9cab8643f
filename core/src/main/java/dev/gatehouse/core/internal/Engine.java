package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.AuthenticationMode;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Decision;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The request-time half of {@link dev.gatehouse.core.Gatehouse}. Immutable and thread-safe. */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    static final String AUTHENTICATION_REQUIRED = "Authentication required";
    static final String UNSUPPORTED_CREDENTIALS = "Unsupported credentials: no realm accepts them";
    static final String TOO_MANY_FAILURES = "Too many failed attempts; retry later";
    static final String UNAVAILABLE = "Authentication service unavailable; retry later";
    private static final Decision ANONYMOUS = new Decision.Anonymous();

    private final Realm[] realms;
    private final List<Realm> realmList;
    private final String[] credentialHeaders;
    private final List<String> challenges;
    private final UserDirectory users;
    private final Clock clock;
    private final ThrottleRegistry throttle;
    private final AuthenticationListener listener;

    public Engine(List<Realm> realms, UserDirectory users, Clock clock, Throttling throttling,
            AuthenticationListener listener) {
        this.realmList = List.copyOf(realms);
        this.realms = realmList.toArray(new Realm[0]);
        Set<String> headers = new LinkedHashSet<>();
        headers.add(RequestView.AUTHORIZATION);
        Set<String> offered = new LinkedHashSet<>();
        for (Realm r : realms) {
            headers.addAll(r.credentialHeaders());
            offered.addAll(r.challenges());
        }
        headers.remove(RequestView.AUTHORIZATION);
        this.credentialHeaders = headers.toArray(new String[0]);
        if (offered.isEmpty()) {
            offered.add("Bearer realm=\"gatehouse\"");
        }
        this.challenges = List.copyOf(offered);
        this.users = users;
        this.clock = clock;
        this.throttle = new ThrottleRegistry(throttling, clock);
        this.listener = listener;
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

    private Decision decide(RequestView request, AuthorizationHeader authorization, AuthenticationMode mode) {
        if (authorization instanceof AuthorizationHeader.Malformed malformed) {
            String key = addressKey(request);
            Optional<Duration> blocked = throttle.blocked(key);
            if (blocked.isPresent()) {
                return throttled(request, Optional.empty(), blocked.get());
            }
            return fail(request, key, Optional.empty(), Optional.empty(), malformed.problem(), malformed.problem());
        }
        if (authorization instanceof AuthorizationHeader.Absent && !carriesCredentialHeader(request)) {
            return mode == AuthenticationMode.OPTIONAL
                    ? ANONYMOUS
                    : new Decision.Refused(401, AUTHENTICATION_REQUIRED, Optional.empty());
        }

        boolean recognised = false;
        Optional<String> claimed = Optional.empty();
        AuthenticationResult.Rejected rejected = null;
        String rejectedBy = null;
        AuthenticationResult.Unavailable unavailable = null;
        for (Realm realm : realms) {
            Optional<Credentials> credentials;
            try {
                credentials = realm.credentials(request);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("realm {} failed to read credentials; refusing the request", realm.name(), e);
                credentials = Optional.of(UnreadableCredentials.INSTANCE);
            }
            if (credentials == null || credentials.isEmpty()) {
                continue;
            }
            if (!recognised) {
                recognised = true;
                claimed = credentials.get().username();
                if (!throttle.isEmpty()) { // the common case needs no key at all
                    Optional<Duration> blocked = throttle.blocked(throttleKey(claimed, request));
                    if (blocked.isPresent()) {
                        return throttled(request, claimed, blocked.get());
                    }
                }
            }
            AuthenticationResult result = credentials.get() == UnreadableCredentials.INSTANCE
                    ? AuthenticationResult.Rejected.because("realm " + realm.name() + " failed to read credentials")
                    : verify(realm, credentials.get());
            if (result instanceof AuthenticationResult.Authenticated authenticated) {
                if (!throttle.isEmpty()) {
                    throttle.success(throttleKey(claimed, request));
                }
                if (listener.receivesSuccesses()) {
                    notify(new AuthenticationEvent.Succeeded(clock.instant(), request.remoteAddress(), authenticated.identity()));
                }
                return new Decision.Authenticated(authenticated.identity());
            } else if (result instanceof AuthenticationResult.Rejected r) {
                if (r.conclusive()) {
                    return fail(request, throttleKey(claimed, request), Optional.of(realm.name()), claimed, r.reason(),
                            r.clientMessage());
                }
                if (rejected == null) {
                    rejected = r;
                    rejectedBy = realm.name();
                }
            } else if (result instanceof AuthenticationResult.Unavailable u) {
                if (unavailable == null) {
                    unavailable = u;
                    LOG.warn("realm {}: backend {} unavailable", realm.name(), u.backend());
                }
            }
        }
        if (!recognised) {
            return fail(request, addressKey(request), Optional.empty(), Optional.empty(),
                    "no realm accepts the presented credentials", UNSUPPORTED_CREDENTIALS);
        }
        if (unavailable != null) {
            // The credentials may be right: a backend that is down is not the caller's failure.
            notify(new AuthenticationEvent.Failed(clock.instant(), request.remoteAddress(), Optional.empty(), claimed,
                    "backend unavailable: " + unavailable.backend()));
            return new Decision.Refused(503, UNAVAILABLE, Optional.of(unavailable.retryAfter()));
        }
        String throttleKey = throttleKey(claimed, request);
        if (rejected == null) {
            return fail(request, throttleKey, Optional.empty(), claimed, "every realm declined the credentials",
                    AuthenticationResult.Rejected.INVALID_CREDENTIALS);
        }
        return fail(request, throttleKey, Optional.of(rejectedBy), claimed, rejected.reason(), rejected.clientMessage());
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

    private boolean carriesCredentialHeader(RequestView request) {
        for (String h : credentialHeaders) {
            if (request.header(h).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private Decision fail(RequestView request, String throttleKey, Optional<String> realm, Optional<String> username,
            String reason, String clientMessage) {
        throttle.failure(throttleKey);
        notify(new AuthenticationEvent.Failed(clock.instant(), request.remoteAddress(), realm, username, reason));
        return new Decision.Refused(401, clientMessage, Optional.empty());
    }

    private Decision throttled(RequestView request, Optional<String> username, Duration retryAfter) {
        notify(new AuthenticationEvent.Throttled(clock.instant(), request.remoteAddress(), username, retryAfter));
        return new Decision.Refused(429, TOO_MANY_FAILURES, Optional.of(retryAfter));
    }

    private void notify(AuthenticationEvent event) {
        try {
            listener.on(event);
        } catch (RuntimeException e) {
            LOG.error("authentication listener failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    /** Failures count per username where the credentials name one, per client address otherwise. */
    private static String throttleKey(Optional<String> username, RequestView request) {
        return username.isPresent() ? "user:" + username.get().toLowerCase(Locale.ROOT) : addressKey(request);
    }

    private static String addressKey(RequestView request) {
        return "addr:" + request.remoteAddress();
    }

    /** Stands for credentials a realm failed to read: they were presented, and they fail. */
    private enum UnreadableCredentials implements Credentials {
        INSTANCE
    }
}
