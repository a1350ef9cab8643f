package dev.gatehouse.session.internal;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.session.ProcessRegistry;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.SessionTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link dev.gatehouse.session.SessionRealm} does: reads a session token from a request,
 * verifies it, and issues new ones.
 *
 * <p>Order of checks: token shape and header, decryption, claims and lifetime (see
 * {@link TokenCodec}); then the registry must know the process and its status must not be final;
 * then the user directory must know the current user and the user must not be disabled. A token
 * verified before skips the cryptography and the user lookup while its cache entry lives (see
 * {@link VerifiedTokens}: at most the revocation bound), never the registry. Thread-safe.
 */
public final class SessionVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionVerifier.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** The settings of one verifier, as {@code SessionRealm.Builder} documents and checks them. */
    public record Settings(String realmName, String header, boolean acceptBasic, SessionKeys keys,
            Duration maxLifetime, Duration clockSkew, Optional<ConcordTokens> concord, Duration revocationBound,
            int cacheSize) {
        public Settings {
            Objects.requireNonNull(realmName, "realmName");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(maxLifetime, "maxLifetime");
            Objects.requireNonNull(clockSkew, "clockSkew");
            Objects.requireNonNull(concord, "concord");
            Objects.requireNonNull(revocationBound, "revocationBound");
        }
    }

    private final String name;
    private final String header;
    private final boolean acceptBasic;
    private final TokenCodec codec;
    private final ConcordTokens concord; // null: Concord's tokens are not read
    private final ProcessRegistry registry;
    private final Accounts accounts;
    private final Clock clock;
    private final ThreadPoolExecutor ownRefresher; // null when the host gave the executor
    private final VerifiedTokens verified;
    private final SessionTokens tokens;
    private final Set<String> credentialHeaders;

    /**
     * A verifier over {@code registry} and {@code accounts}.
     *
     * @param clock the wall clock token lifetimes are measured with
     * @param ticker monotonic nanoseconds that age cache entries
     * @param refreshExecutor where background re-reads run; empty: two daemon threads of its own
     */
    public SessionVerifier(Settings settings, ProcessRegistry registry, Accounts accounts, Clock clock,
            LongSupplier ticker, Optional<Executor> refreshExecutor) {
        this.name = settings.realmName();
        this.header = settings.header();
        this.acceptBasic = settings.acceptBasic();
        this.codec = new TokenCodec(settings.keys(), settings.maxLifetime(), settings.clockSkew());
        this.concord = settings.concord().orElse(null);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ownRefresher = refreshExecutor.isPresent() ? null : RefreshThreads.start("gatehouse-session-refresh-" + name);
        this.verified = new VerifiedTokens(settings.revocationBound(), settings.cacheSize(), ticker, clock,
                this::reverify, refreshExecutor.orElse(ownRefresher));
        this.tokens = new Issuer(codec, registry, clock);
        this.credentialHeaders = acceptBasic ? Set.of(header, RequestView.AUTHORIZATION) : Set.of(header);
    }

    /** The issuer that shares this verifier's keys, lifetime and registry. */
    public SessionTokens tokens() {
        return tokens;
    }

    /** The header the token is read from, and {@code Authorization} when Basic is read too. */
    public Set<String> credentialHeaders() {
        return credentialHeaders;
    }

    /** The session token in {@code request}, if it carries one this verifier reads. */
    public Optional<Credentials> credentials(RequestView request) {
        List<String> values = request.headers(header);
        if (values.size() > 1) {
            return Optional.of(SessionCredentials.unusable("more than one " + header + " header"));
        }
        if (values.size() == 1) {
            return Optional.of(SessionCredentials.fromHeader(values.get(0).strip()));
        }
        if (acceptBasic && request.authorization() instanceof AuthorizationHeader.Basic basic
                && basic.password().isEmpty() && isTokenShaped(basic.username())) {
            // How Concord clients send a session token; any other Basic value is the next realm's.
            return Optional.of(SessionCredentials.fromBasic(basic.username()));
        }
        return Optional.empty();
    }

    private boolean isTokenShaped(String value) {
        return TokenCodec.looksLikeToken(value) || (concord != null && ConcordTokens.looksLikeToken(value));
    }

    /** Verifies credentials read by {@link #credentials(RequestView)}. Never throws. */
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof SessionCredentials presented)) {
            return AuthenticationResult.NotMine.instance();
        }
        if (presented.problem() != null) {
            return AuthenticationResult.Rejected.because(presented.problem());
        }
        String token = presented.token();
        long now = clock.millis();
        Optional<VerifiedTokens.Entry> cached = verified.find(token);
        if (cached.isPresent()) {
            return revalidate(cached.get(), now);
        }
        if (token.length() > TokenCodec.MAX_TOKEN_LENGTH) {
            return AuthenticationResult.Rejected.because("session token is longer than " + TokenCodec.MAX_TOKEN_LENGTH
                    + " characters");
        }
        if (token.indexOf('.') >= 0) { // a JWE; Concord's tokens are plain base64
            TokenCodec.Result read = codec.read(token, now);
            if (read instanceof TokenCodec.Invalid invalid) {
                return AuthenticationResult.Rejected.because("session token: " + invalid.reason());
            }
            TokenCodec.Valid valid = (TokenCodec.Valid) read;
            return admit(token, valid.processId(), valid.expiresAtMillis());
        }
        if (concord != null) {
            Optional<UUID> processId = concord.read(token);
            if (processId.isPresent()) {
                // Concord's tokens carry no expiry: the process's status is their only limit.
                return admit(token, processId.get(), Long.MAX_VALUE);
            }
            if (presented.fromBasic()) {
                return AuthenticationResult.NotMine.instance();
            }
        }
        return AuthenticationResult.Rejected.because("not a session token");
    }

    /**
     * A cached token: its cryptography and its user were checked; its expiry and its process are
     * checked again, and the cached identity is answered while it still matches the process.
     */
    private AuthenticationResult revalidate(VerifiedTokens.Entry cached, long now) {
        if (now >= cached.expiresAtMillis()) {
            verified.remove(cached);
            return AuthenticationResult.Rejected.because("session token: token expired");
        }
        Optional<ProcessState> state;
        try {
            state = registry.find(cached.processId());
        } catch (RuntimeException e) {
            return unavailable("process registry", e);
        }
        Optional<AuthenticationResult> refused = refusal(cached.processId(), state);
        if (refused.isPresent()) {
            verified.remove(cached);
            return refused.get();
        }
        ProcessState s = state.get();
        Identity identity = cached.identity();
        if (s.currentUserId().equals(identity.userId()) && identity.process().isPresent()
                && s.process().equals(identity.process().get())) {
            return cached.result();
        }
        // The process changed hands (or its org or project): read the new user now.
        verified.remove(cached);
        return identify(cached.token(), cached.processId(), cached.expiresAtMillis(), s);
    }

    private AuthenticationResult admit(String token, UUID processId, long expiresAtMillis) {
        Optional<ProcessState> state;
        try {
            state = registry.find(processId);
        } catch (RuntimeException e) {
            return unavailable("process registry", e);
        }
        Optional<AuthenticationResult> refused = refusal(processId, state);
        if (refused.isPresent()) {
            return refused.get();
        }
        return identify(token, processId, expiresAtMillis, state.get());
    }

    private Optional<AuthenticationResult> refusal(UUID processId, Optional<ProcessState> state) {
        if (state.isEmpty()) {
            return Optional.of(AuthenticationResult.Rejected.because("session token of process " + processId
                    + ", which the registry does not know"));
        }
        if (registry.isFinal(state.get().status())) {
            return Optional.of(AuthenticationResult.Rejected.because("session token of process " + processId
                    + ", which is " + state.get().status()));
        }
        return Optional.empty();
    }

    private AuthenticationResult identify(String token, UUID processId, long expiresAtMillis, ProcessState state) {
        long started = verified.now();
        AuthenticationResult user;
        try {
            user = accounts.identify(name, state.currentUserId());
        } catch (RuntimeException e) {
            return unavailable("user directory", e);
        }
        if (!(user instanceof AuthenticationResult.Authenticated authenticated)) {
            return user;
        }
        AuthenticationResult.Authenticated result = new AuthenticationResult.Authenticated(
                authenticated.identity().toBuilder().process(state.process()).build());
        verified.put(new VerifiedTokens.Entry(token, processId, expiresAtMillis, started, result));
        return result;
    }

    /**
     * The user's standing read again for a cache entry, on the refresher: a new entry while the
     * user may act, none once the user was deleted or disabled, the old one if the read failed.
     */
    private Optional<VerifiedTokens.Entry> reverify(VerifiedTokens.Entry old, long startedNanos) {
        AuthenticationResult user;
        try {
            user = accounts.identify(name, old.userId());
        } catch (RuntimeException e) {
            // A host's directory may put anything in a message: name the type only.
            LOG.warn("realm {}: re-reading a cached session user failed: {}", name, e.getClass().getName());
            return Optional.of(old);
        }
        if (user instanceof AuthenticationResult.Authenticated authenticated) {
            Optional<ProcessRef> process = old.identity().process();
            Identity identity = process.isPresent()
                    ? authenticated.identity().toBuilder().process(process.get()).build()
                    : authenticated.identity();
            // An unchanged identity keeps its answer object, so that callers see the same result.
            AuthenticationResult.Authenticated result = identity.equals(old.identity())
                    ? old.result() : new AuthenticationResult.Authenticated(identity);
            return Optional.of(new VerifiedTokens.Entry(old.token(), old.processId(), old.expiresAtMillis(),
                    startedNanos, result));
        }
        if (user instanceof AuthenticationResult.Unavailable) {
            return Optional.of(old); // expires on time; an outage never stretches the bound
        }
        return Optional.empty();
    }

    private AuthenticationResult unavailable(String backend, RuntimeException e) {
        if (e instanceof BackendUnavailableException b) {
            LOG.debug("realm {}: {}", name, b.getMessage()); // the engine logs every Unavailable
            return b.toResult();
        }
        LOG.warn("realm {}: {} failed: {}", name, backend, e.getClass().getName()); // never the message
        return new AuthenticationResult.Unavailable(backend, RETRY_AFTER);
    }

    /** Forgets, on this node, every cached verification of a token acting for {@code userId}. */
    public void invalidateUser(UUID userId) {
        verified.removeUser(Objects.requireNonNull(userId, "userId"));
    }

    /** How many verified tokens are cached (for tests and metrics). */
    public long cachedTokens() {
        return verified.size();
    }

    /** Stops the background re-reads (of its own threads); cached entries then expire on time. */
    @Override
    public void close() {
        if (ownRefresher != null) {
            ownRefresher.shutdown();
        }
    }

    @Override
    public String toString() {
        return "SessionVerifier[" + name + ", header=" + header + ", basic=" + acceptBasic + ", concord="
                + (concord != null) + "]";
    }

    /** {@link SessionTokens} over this verifier's codec and registry. */
    private static final class Issuer implements SessionTokens {
        private final TokenCodec codec;
        private final ProcessRegistry registry;
        private final Clock clock;

        Issuer(TokenCodec codec, ProcessRegistry registry, Clock clock) {
            this.codec = codec;
            this.registry = registry;
            this.clock = clock;
        }

        @Override
        public String issue(UUID processId) {
            running(processId);
            return codec.issue(processId, clock.millis());
        }

        @Override
        public ProcessInfo processInfo(UUID processId) {
            ProcessState state = running(processId);
            return new ProcessInfo(state.process(), codec.issue(processId, clock.millis()));
        }

        private ProcessState running(UUID processId) {
            ProcessState state = registry.find(Objects.requireNonNull(processId, "processId"))
                    .orElseThrow(() -> new IllegalStateException("process " + processId + " is not registered"));
            if (registry.isFinal(state.status())) {
                throw new IllegalStateException("process " + processId + " is " + state.status()
                        + ", a final status: a token would be refused");
            }
            return state;
        }

        @Override
        public String toString() {
            return "SessionTokens[keys redacted]";
        }
    }
}
