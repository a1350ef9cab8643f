package dev.gatehouse.session.internal;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.session.ProcessRegistry;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.SessionTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code session} realm: a process's session token, from the configured header (default
 * {@code X-Concord-SessionToken}) or as the username of {@code Authorization: Basic} with an empty
 * password, authenticates as the process's current user with the process attached.
 *
 * <p>Order of checks: token shape and header, decryption, claims and lifetime (see
 * {@link TokenCodec}); then the registry must know the process and its status must not be final;
 * then the user directory must know the current user and the user must not be disabled. A token
 * verified within the cache TTL skips the cryptography, not the registry. Thread-safe.
 */
public final class SessionRealm implements Realm {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRealm.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final String name;
    private final String header;
    private final boolean acceptBasic;
    private final TokenCodec codec;
    private final ConcordTokens concord;
    private final ProcessRegistry registry;
    private final Accounts accounts;
    private final Clock clock;
    private final VerifiedTokens verified;
    private final SessionTokens tokens;
    private final Set<String> credentialHeaders;

    SessionRealm(String name, SessionSettings settings, ProcessRegistry registry, Accounts accounts, Clock clock) {
        this.name = name;
        this.header = settings.header();
        this.acceptBasic = settings.acceptBasic();
        this.codec = new TokenCodec(settings.keys(), settings.maxLifetime(), settings.clockSkew());
        this.concord = settings.concord();
        this.registry = registry;
        this.accounts = accounts;
        this.clock = clock;
        this.verified = new VerifiedTokens(settings.cacheTtl().toMillis(), settings.cacheSize());
        this.tokens = new Issuer(codec, registry, clock);
        this.credentialHeaders = acceptBasic ? Set.of(header, RequestView.AUTHORIZATION) : Set.of(header);
    }

    /** The issuer that shares this realm's keys, lifetime and registry. */
    public SessionTokens tokens() {
        return tokens;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> credentialHeaders() {
        return credentialHeaders;
    }

    @Override
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

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof SessionCredentials presented)) {
            return AuthenticationResult.NotMine.instance();
        }
        if (presented.problem() != null) {
            return AuthenticationResult.Rejected.because(presented.problem());
        }
        String token = presented.token();
        long now = clock.millis();
        VerifiedTokens.Entry cached = verified.get(token, now);
        if (cached != null) {
            return revalidate(cached, now);
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
            return admit(token, valid.processId(), valid.expiresAtMillis(), now);
        }
        if (concord != null) {
            UUID processId = concord.read(token);
            if (processId != null) {
                // Concord's tokens carry no expiry: the process's status is their only limit.
                return admit(token, processId, Long.MAX_VALUE, now);
            }
            if (presented.fromBasic()) {
                return AuthenticationResult.NotMine.instance();
            }
        }
        return AuthenticationResult.Rejected.because("not a session token");
    }

    /** A cached token: its cryptography was checked; its process and user are checked again. */
    private AuthenticationResult revalidate(VerifiedTokens.Entry cached, long now) {
        if (now >= cached.expiresAtMillis()) {
            verified.remove(cached);
            return AuthenticationResult.Rejected.because("session token: token expired");
        }
        ProcessState state;
        try {
            state = registry.find(cached.processId()).orElse(null);
        } catch (RuntimeException e) {
            return unavailable("process registry", e);
        }
        AuthenticationResult refused = refusal(cached.processId(), state);
        if (refused != null) {
            verified.remove(cached);
            return refused;
        }
        Identity identity = cached.identity();
        if (state.currentUserId().equals(identity.userId()) && identity.process().isPresent()
                && state.process().equals(identity.process().get())) {
            return cached.result();
        }
        return identify(cached.token(), cached.processId(), cached.expiresAtMillis(), now, state);
    }

    private AuthenticationResult admit(String token, UUID processId, long expiresAtMillis, long now) {
        ProcessState state;
        try {
            state = registry.find(processId).orElse(null);
        } catch (RuntimeException e) {
            return unavailable("process registry", e);
        }
        AuthenticationResult refused = refusal(processId, state);
        if (refused != null) {
            return refused;
        }
        return identify(token, processId, expiresAtMillis, now, state);
    }

    private AuthenticationResult refusal(UUID processId, ProcessState state) {
        if (state == null) {
            return AuthenticationResult.Rejected.because("session token of process " + processId
                    + ", which the registry does not know");
        }
        if (registry.isFinal(state.status())) {
            return AuthenticationResult.Rejected.because("session token of process " + processId + ", which is "
                    + state.status());
        }
        return null;
    }

    private AuthenticationResult identify(String token, UUID processId, long expiresAtMillis, long now,
            ProcessState state) {
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
        verified.put(new VerifiedTokens.Entry(token, processId, expiresAtMillis, now, result));
        return result;
    }

    private AuthenticationResult unavailable(String backend, RuntimeException e) {
        LOG.warn("realm {}: {} failed: {}", name, backend, e.toString());
        return new AuthenticationResult.Unavailable(backend, RETRY_AFTER);
    }

    @Override
    public String toString() {
        return "SessionRealm[" + name + ", header=" + header + ", basic=" + acceptBasic + ", concord="
                + (concord != null) + "]";
    }

    /** {@link SessionTokens} over this realm's codec and registry. */
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
        public dev.gatehouse.core.ProcessInfo processInfo(UUID processId) {
            ProcessState state = running(processId);
            return new dev.gatehouse.core.ProcessInfo(state.process(), codec.issue(processId, clock.millis()));
        }

        private ProcessState running(UUID processId) {
            ProcessState state = registry.find(java.util.Objects.requireNonNull(processId, "processId"))
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
