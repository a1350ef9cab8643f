package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.Password;
import dev.gatehouse.ldap.LdapRealm;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a username and password: refuses empty passwords, answers from the {@link LoginCache}
 * when it can, joins a check of the same login and password already in flight, and otherwise asks
 * the {@link Directory} (search, bind, groups). Then signs the user in through
 * {@link Accounts}. Thread-safe.
 */
public final class LoginVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(LoginVerifier.class);

    /** What the directory said about one login and password. */
    sealed interface Outcome {
        record Verified(ExternalUser user) implements Outcome {}

        record Refused(String reason) implements Outcome {}

        record Down(BackendUnavailableException problem) implements Outcome {}
    }

    private record Flight(PasswordDigest digest, CompletableFuture<Outcome> result) {}

    private final LdapConfig config;
    private final Directory directory;
    private final Accounts accounts;
    private final LoginCache cache;
    private final ProfileMapper profiles;
    private final ConcurrentHashMap<String, Flight> inFlight = new ConcurrentHashMap<>();
    /** One permit per login allowed to wait on the directory at once. */
    private final Semaphore waiting;
    private final Duration joinTimeout;
    private final AtomicLong lastDownWarning = new AtomicLong(Long.MIN_VALUE);

    public LoginVerifier(LdapConfig config, Directory directory, Accounts accounts) {
        this.config = config;
        this.directory = directory;
        this.accounts = accounts;
        this.cache = new LoginCache(config.clock(), config.cacheDuration(), config.cacheMaxEntries());
        this.profiles = new ProfileMapper(config);
        this.waiting = new Semaphore(config.maxConcurrentLogins());
        // search + bind + revert + group search, each bounded by the timeouts
        this.joinTimeout = config.connectTimeout().plus(config.readTimeout()).multipliedBy(4);
    }

    /** The login cache, for tests and statistics. */
    public LoginCache cache() {
        return cache;
    }

    /** How many logins wait on the directory now (at most {@code maxConcurrentLogins}). */
    public int waitingLogins() {
        return config.maxConcurrentLogins() - waiting.availablePermits();
    }

    /** Verifies {@code login} and {@code password}; never throws for a wrong one, never wipes the password. */
    public AuthenticationResult verify(String login, Password password) {
        if (password.isBlank()) {
            // RFC 4513 section 5.1.2: a simple bind with a name and an empty password is an
            // unauthenticated bind, which servers answer with success. Never send one.
            return AuthenticationResult.Rejected.because("empty or blank password, refused before asking the directory");
        }
        Optional<LoginName> name = LoginName.parse(login);
        if (name.isEmpty()) {
            return AuthenticationResult.Rejected.because("unusable login (blank, too long, control characters or an empty part)");
        }
        byte[] secret = PasswordDigest.utf8(password.revealChars());
        try {
            String key = name.get().key();
            Optional<ExternalUser> cached = cache.lookup(key, secret);
            if (cached.isPresent()) {
                return accounts.signIn(config.realmName(), cached.get(), config.autoCreateUsers());
            }
            if (!waiting.tryAcquire()) {
                // the directory is slow or hung and enough requests already wait for it: do not
                // take another request thread, answer at once (cache hits above never get here)
                Outcome.Down busy = down(config.maxConcurrentLogins() + " logins already wait for the directory"
                        + " (maxConcurrentLogins)", null);
                warnDown(busy.problem().getMessage());
                return busy.problem().toResult();
            }
            Outcome outcome;
            try {
                outcome = coalesced(key, name.get(), secret);
            } finally {
                waiting.release();
            }
            if (outcome instanceof Outcome.Verified v) {
                return accounts.signIn(config.realmName(), v.user(), config.autoCreateUsers());
            }
            if (outcome instanceof Outcome.Down down) {
                warnDown(down.problem().getMessage());
                return down.problem().toResult();
            }
            return AuthenticationResult.Rejected.because(((Outcome.Refused) outcome).reason());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Asks the directory, unless a check of this login with this password is already running: then
     * waits for its outcome instead, so that a thousand identical requests cost one bind.
     */
    private Outcome coalesced(String key, LoginName name, byte[] secret) {
        Flight mine = new Flight(PasswordDigest.of(secret), new CompletableFuture<>());
        Flight running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            if (running.digest().matches(secret)) {
                return await(running.result());
            }
            return ask(name, secret); // another password for the same login: checked on its own
        }
        Outcome outcome = null;
        try {
            outcome = ask(name, secret);
            if (outcome instanceof Outcome.Verified v) {
                cache.put(key, mine.digest(), v.user());
            } else if (outcome instanceof Outcome.Refused) {
                cache.evict(key);
            }
            return outcome;
        } finally {
            mine.result().complete(outcome != null ? outcome : new Outcome.Refused("verification failed"));
            inFlight.remove(key, mine);
        }
    }

    private Outcome await(CompletableFuture<Outcome> result) {
        try {
            return result.get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted while waiting for the directory", e);
        } catch (TimeoutException e) {
            return down("no answer within " + joinTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            return new Outcome.Refused("verification failed: " + e.getCause());
        }
    }

    private Outcome ask(LoginName name, byte[] secret) {
        try {
            Directory.Lookup lookup = directory.find(config.principalSearchFilter().expand(name.filterArguments()));
            if (lookup instanceof Directory.Lookup.NotUnique) {
                LOG.warn("non unique result found for username '{}', try a fully qualified username",
                        printable(name.typed()));
                directory.simulatedBind(secret);
                return new Outcome.Refused("non unique result found for username; try a fully qualified username");
            }
            if (lookup instanceof Directory.Lookup.NotFound) {
                directory.simulatedBind(secret); // an unknown user costs what a wrong password costs
                return new Outcome.Refused("no such user in the directory");
            }
            SearchResultEntry entry = ((Directory.Lookup.Found) lookup).entry();
            String bindName = entry.getDN();
            if (config.bindWith() == LdapRealm.BindWith.USER_PRINCIPAL_NAME) {
                Optional<String> upn = profiles.userPrincipalName(entry);
                if (upn.isEmpty()) {
                    directory.simulatedBind(secret);
                    return new Outcome.Refused("entry has no " + config.userPrincipalNameProperty().orElse("UPN") + " to bind with");
                }
                bindName = upn.get();
            }
            if (!directory.bind(bindName, secret)) {
                return new Outcome.Refused("the directory refused the password");
            }
            List<ProfileMapper.Group> groups = config.groupSearchFilter().isPresent()
                    ? directory.searchGroups(config.groupSearchFilter().get().expand(entry.getDN(), name.user()))
                    : profiles.memberOf(entry);
            return new Outcome.Verified(profiles.profile(entry, groups));
        } catch (BackendUnavailableException e) {
            return new Outcome.Down(e);
        } catch (LDAPException e) {
            return new Outcome.Refused("cannot build a search filter: " + e.getMessage());
        }
    }

    private Outcome.Down down(String problem, Exception cause) {
        return new Outcome.Down(new BackendUnavailableException(config.backend(), problem, config.retryAfter(), cause));
    }

    private void warnDown(String problem) {
        long now = System.nanoTime();
        long last = lastDownWarning.get();
        if ((last == Long.MIN_VALUE || now - last > TimeUnit.SECONDS.toNanos(30)) && lastDownWarning.compareAndSet(last, now)) {
            LOG.warn("realm {}: directory unavailable, answering 503: {}", config.realmName(), problem);
        } else {
            LOG.debug("realm {}: directory unavailable: {}", config.realmName(), problem);
        }
    }

    /** The login for a log line: control characters replaced, so it cannot forge log lines. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
