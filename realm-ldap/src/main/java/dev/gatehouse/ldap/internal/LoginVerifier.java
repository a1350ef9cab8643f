package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.Password;
import dev.gatehouse.ldap.LdapRealm;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a username and password: refuses empty passwords, answers from the {@link LoginCache}
 * when it can, joins a check of the same login and password already in flight, and otherwise asks
 * the {@link Directory} (search, bind, groups). Then signs the user in through {@link Accounts}.
 *
 * <p>How long a caller can wait: at most {@code maxConcurrentLogins} callers wait on the directory
 * at once (the rest are answered {@code Unavailable} at once), and each waits at most
 * {@code readTimeout} in total for its directory check, whatever the directory does. The check runs
 * on one of the verifier's own threads (at most {@code maxConcurrentLogins} of them, none queued);
 * the caller waits for its outcome until its {@link Deadline}, then answers {@code Unavailable}
 * while the check ends by itself at about the same deadline (and still fills the cache if it
 * succeeds).
 *
 * <p>An unknown username and a wrong password do the same directory work (a search, a bind as an
 * existing entry, a revert) and are answered after the same time ({@link RefusalPacer}).
 * Thread-safe.
 */
public final class LoginVerifier implements AutoCloseable {

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
    /** One permit per caller allowed to wait on the directory at once. */
    private final Semaphore waiting;
    /** Runs the directory checks, so that a caller's wait can end at its deadline. */
    private final ThreadPoolExecutor checks;
    private final AtomicLong lastDownWarning = new AtomicLong(Long.MIN_VALUE);
    private final RefusalPacer pacer = new RefusalPacer();

    public LoginVerifier(LdapConfig config, Directory directory, Accounts accounts) {
        this.config = config;
        this.directory = directory;
        this.accounts = accounts;
        this.cache = new LoginCache(config.clock(), config.cacheDuration(), config.cacheMaxEntries());
        this.profiles = new ProfileMapper(config);
        this.waiting = new Semaphore(config.maxConcurrentLogins());
        AtomicInteger threads = new AtomicInteger();
        String prefix = "gatehouse-ldap-" + config.realmName() + "-";
        this.checks = new ThreadPoolExecutor(config.maxConcurrentLogins(), config.maxConcurrentLogins(), 30,
                TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, prefix + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.checks.allowCoreThreadTimeOut(true);
    }

    /** The login cache, for tests and statistics. */
    public LoginCache cache() {
        return cache;
    }

    /** How many callers wait on the directory now (at most {@code maxConcurrentLogins}). */
    public int waitingLogins() {
        return config.maxConcurrentLogins() - waiting.availablePermits();
    }

    /** How many directory checks run now, including those whose callers stopped waiting. */
    public int runningChecks() {
        return checks.getActiveCount();
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
        long start = System.nanoTime();
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
                return unavailable(down(config.maxConcurrentLogins() + " logins already wait for the directory"
                        + " (maxConcurrentLogins)", null));
            }
            Outcome outcome;
            try {
                Deadline deadline = Deadline.after(config.readTimeout());
                outcome = coalesced(key, name.get(), secret, deadline);
                if (outcome instanceof Outcome.Refused) {
                    // an unknown user and a wrong password: answered after the same time
                    pacer.record(System.nanoTime() - start);
                    pacer.pace(start, deadline);
                }
            } finally {
                waiting.release();
            }
            if (outcome instanceof Outcome.Verified v) {
                return accounts.signIn(config.realmName(), v.user(), config.autoCreateUsers());
            }
            if (outcome instanceof Outcome.Down down) {
                return unavailable(down);
            }
            return AuthenticationResult.Rejected.because(((Outcome.Refused) outcome).reason());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Asks the directory, unless a check of this login with this password is already running: then
     * waits for its outcome instead, so that a thousand identical requests cost one bind. Waits
     * until {@code deadline} at most.
     */
    private Outcome coalesced(String key, LoginName name, byte[] secret, Deadline deadline) {
        Flight mine = new Flight(PasswordDigest.of(secret), new CompletableFuture<>());
        Flight running = inFlight.putIfAbsent(key, mine);
        if (running != null && running.digest().matches(secret)) {
            return await(running.result(), deadline);
        }
        // first of its kind, or another password for a login in flight (checked on its own)
        Flight flight = running == null ? mine : new Flight(mine.digest(), new CompletableFuture<>());
        boolean shared = running == null;
        byte[] copy = secret.clone(); // the check may outlive this caller, who wipes its own array
        try {
            checks.execute(() -> check(key, name, copy, deadline, flight, shared));
        } catch (RejectedExecutionException e) {
            Arrays.fill(copy, (byte) 0);
            Outcome down = down("every directory check thread is busy with checks whose callers gave up"
                    + " (a slow or hung directory)", null);
            if (shared) {
                inFlight.remove(key, flight);
            }
            flight.result().complete(down);
            return down;
        }
        return await(flight.result(), deadline);
    }

    /** On a check thread: asks the directory, remembers a success, and completes the flight. */
    private void check(String key, LoginName name, byte[] secret, Deadline deadline, Flight flight, boolean shared) {
        Outcome outcome = null;
        try {
            outcome = ask(name, secret, deadline);
            if (outcome instanceof Outcome.Verified v) {
                cache.put(key, flight.digest(), v.user());
            } else if (outcome instanceof Outcome.Refused) {
                cache.forgetIfFor(key, secret); // only if the refused password is the cached one
            }
        } catch (RuntimeException e) {
            // a message may quote the search filter, and with it what the caller typed: the type only
            LOG.error("realm {}: the directory check failed ({})", config.realmName(), e.getClass().getName());
            outcome = new Outcome.Refused("verification failed: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(secret, (byte) 0);
            // leave the table before answering: a login that arrives after the answer asks anew
            if (shared) {
                inFlight.remove(key, flight);
            }
            flight.result().complete(outcome != null ? outcome : new Outcome.Refused("verification failed"));
        }
    }

    private Outcome await(CompletableFuture<Outcome> result, Deadline deadline) {
        try {
            return result.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted while waiting for the directory", e);
        } catch (TimeoutException e) {
            return down("no answer within " + deadline.budget().toMillis() + " ms (readTimeout)", null);
        } catch (ExecutionException e) {
            return new Outcome.Refused("verification failed: " + e.getCause());
        }
    }

    private Outcome ask(LoginName name, byte[] secret, Deadline deadline) {
        try {
            Directory.Lookup lookup = directory.find(config.principalSearchFilter().expand(name.filterArguments()), deadline);
            if (lookup instanceof Directory.Lookup.NotUnique) {
                LOG.warn("non unique result found for username '{}', try a fully qualified username",
                        printable(name.typed()));
                directory.simulatedBind(secret, deadline);
                return new Outcome.Refused("non unique result found for username; try a fully qualified username");
            }
            if (lookup instanceof Directory.Lookup.NotFound) {
                directory.simulatedBind(secret, deadline); // an unknown user costs what a wrong password costs
                return new Outcome.Refused("no such user in the directory");
            }
            SearchResultEntry entry = ((Directory.Lookup.Found) lookup).entry();
            String bindName = entry.getDN();
            if (config.bindWith() == LdapRealm.BindWith.USER_PRINCIPAL_NAME) {
                Optional<String> upn = profiles.userPrincipalName(entry);
                if (upn.isEmpty()) {
                    directory.simulatedBind(secret, deadline);
                    return new Outcome.Refused("entry has no " + config.userPrincipalNameProperty().orElse("UPN") + " to bind with");
                }
                bindName = upn.get();
            }
            if (!directory.bind(bindName, secret, deadline)) {
                return new Outcome.Refused("the directory refused the password");
            }
            return new Outcome.Verified(profile(config, directory, profiles, entry, name.user(), deadline));
        } catch (BackendUnavailableException e) {
            return new Outcome.Down(e);
        } catch (LDAPException e) {
            return new Outcome.Refused("cannot build a search filter: " + e.getMessage());
        }
    }

    /**
     * The profile of a directory entry with its groups (searched, or from {@code memberOf}): what
     * a login and the synchroniser both store.
     *
     * @throws BackendUnavailableException if the directory did not answer
     * @throws LDAPException if the group filter cannot be built
     */
    public static ExternalUser profile(LdapConfig config, Directory directory, ProfileMapper profiles,
            SearchResultEntry entry, String user, Deadline deadline) throws LDAPException {
        List<ProfileMapper.Group> groups = config.groupSearchFilter().isPresent()
                ? directory.searchGroups(config.groupSearchFilter().get().expand(entry.getDN(), user), deadline)
                : profiles.memberOf(entry);
        return profiles.profile(entry, groups);
    }

    private Outcome.Down down(String problem, Exception cause) {
        return new Outcome.Down(new BackendUnavailableException(config.backend(), problem, config.retryAfter(), cause));
    }

    private AuthenticationResult unavailable(Outcome.Down down) {
        String problem = down.problem().getMessage();
        long now = System.nanoTime();
        long last = lastDownWarning.get();
        if ((last == Long.MIN_VALUE || now - last > TimeUnit.SECONDS.toNanos(30)) && lastDownWarning.compareAndSet(last, now)) {
            LOG.warn("realm {}: directory unavailable, answering 503: {}", config.realmName(), problem);
        } else {
            LOG.debug("realm {}: directory unavailable: {}", config.realmName(), problem);
        }
        return down.problem().toResult();
    }

    /** Stops the check threads; checks still running are interrupted. Idempotent. */
    @Override
    public void close() {
        checks.shutdownNow();
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
