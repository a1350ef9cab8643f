package dev.gatehouse.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of every login: from "the credentials checked out" to an {@link Identity}. Finds
 * the user record (creating it on first login where the realm allows), refuses disabled users and
 * records the login. Realms get it from {@link RealmContext#accounts()}, so that every realm
 * applies the same rules. Thread-safe.
 *
 * <p><b>Roles.</b> The roles of an identity are decided here and in {@link Identity#of(User, String)}
 * only: the roles granted in Gatehouse plus the directory-derived ones stored with the record
 * ({@link User#directoryRoles()}), which {@link #signIn} replaces with what the external system
 * reported at each login. So a user has the same roles whether they come with a password, an
 * API key, a session token or a plugin's credential.
 *
 * <p><b>Caching.</b> A repeat caller costs no user-directory round trip: the records this reads
 * are kept for the revocation bound (default {@value #DEFAULT_REVOCATION_BOUND_MILLIS} ms, 0 turns
 * caching off), at most {@value #MAX_CACHED} of them. A change made through the same
 * {@link UserDirectory} object (disabling, deleting, new roles) reaches the cache at once through
 * {@link UserDirectory#addChangeListener}; a change made on another node sharing the database is
 * seen within the bound. A record that could not be read is never cached, so an outage never
 * outlives itself, and a cached record is never used past the bound, so an outage never stretches
 * it: with the directory down, a repeat caller is served for at most the bound, then gets 503.
 * A cached record also keeps the last sign-in decided from it that wrote nothing: the same
 * confirmed login (an equal {@link ExternalUser}) in the same realm gets that identity again,
 * without deriving it anew, for as long as the record stays cached and no login time is due.
 */
public final class Accounts {

    /** A login time is written at most once per this interval per user, to spare the database. */
    static final Duration LOGIN_WRITE_INTERVAL = Duration.ofMinutes(1);

    /** The default revocation bound, in milliseconds. */
    public static final long DEFAULT_REVOCATION_BOUND_MILLIS = 1000;
    /** The most user records cached. */
    public static final int MAX_CACHED = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    private final UserDirectory users;
    private final Clock clock;
    private final Cache<UUID, User> byId; // null: caching off
    private final Cache<Name, Held> byName;

    private record Name(String username, String domain) {}

    /** A record as read by name, and the last sign-in derived from it that wrote nothing. */
    private static final class Held {
        final User user;
        volatile SignedIn last;

        Held(User user) {
            this.user = user;
        }
    }

    /**
     * What a sign-in against a {@link Held} record decided, and from what: the same login (an
     * equal {@link ExternalUser}) in the same realm against the same record decides the same,
     * until a login time is due to be written.
     */
    private record SignedIn(ExternalUser external, String realm, Instant loginDue,
            AuthenticationResult.Authenticated result) {}

    /** Accounts over {@code users}, timed by {@code clock}, caching for the default bound. */
    public Accounts(UserDirectory users, Clock clock) {
        this(users, clock, Duration.ofMillis(DEFAULT_REVOCATION_BOUND_MILLIS), System::nanoTime);
    }

    /**
     * Accounts over {@code users} that keep a record read for at most {@code revocationBound} by
     * {@code nanoTicker} (zero: never cached).
     *
     * @throws IllegalArgumentException if the bound is negative
     */
    public Accounts(UserDirectory users, Clock clock, Duration revocationBound, LongSupplier nanoTicker) {
        this.users = Objects.requireNonNull(users, "users");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTicker, "nanoTicker");
        if (revocationBound.isNegative()) {
            throw new IllegalArgumentException("revocationBound must not be negative, was " + revocationBound);
        }
        if (revocationBound.isZero()) {
            this.byId = null;
            this.byName = null;
        } else {
            Ticker ticker = nanoTicker::getAsLong;
            this.byId = Caffeine.newBuilder().expireAfterWrite(revocationBound).maximumSize(MAX_CACHED).ticker(ticker)
                    .build();
            this.byName = Caffeine.newBuilder().expireAfterWrite(revocationBound).maximumSize(MAX_CACHED)
                    .ticker(ticker).build();
            users.addChangeListener(this::userChanged);
        }
    }

    /** The user directory these accounts sign users in against (for synchronisers and hosts). */
    public UserDirectory users() {
        return users;
    }

    /**
     * Forgets what is cached of the user {@code id} on this node. The built-in directories call it
     * on every change; a host whose directory cannot notify calls it after changing a user.
     */
    public void userChanged(UUID id) {
        if (byId == null || id == null) {
            return;
        }
        byId.invalidate(id);
        byName.asMap().values().removeIf(h -> h.user.id().equals(id));
    }

    private Optional<User> findById(UUID id) {
        return byId == null ? users.findById(id) : Optional.ofNullable(byId.get(id, k -> users.findById(k).orElse(null)));
    }

    /** The record named as {@code profile} is, as cached; null if there is none. */
    private Held findByName(NewUser profile) {
        if (byName == null) {
            return users.findByUsername(profile.username(), profile.domain()).map(Held::new).orElse(null);
        }
        Name name = new Name(profile.username(), profile.domain().orElse(""));
        Held cached = byName.getIfPresent(name); // a hit, the common case, allocates no loader
        return cached != null ? cached : byName.get(name,
                k -> users.findByUsername(profile.username(), profile.domain()).map(Held::new).orElse(null));
    }

    /**
     * Signs in a user confirmed by an external system (LDAP, SSO): finds the record by username
     * and domain, case-insensitively, and binds only to a record of the login's own type
     * ({@link ExternalUser#type()}): a record of another type with that name (a local
     * {@code admin}, say) is refused conclusively and logged as an account clash, never merged; creates it when absent and {@code autoCreate} is set
     * (exactly once, even under concurrent first logins); refreshes display name and email when
     * they changed; refuses a disabled user.
     *
     * @param realm the realm's name, recorded in the identity
     * @return {@link AuthenticationResult.Authenticated}, {@link AuthenticationResult.Rejected}, or
     *     {@link AuthenticationResult.Unavailable} when the user directory does not answer
     */
    public AuthenticationResult signIn(String realm, ExternalUser external, boolean autoCreate) {
        try {
            return doSignIn(realm, external, autoCreate);
        } catch (BackendUnavailableException e) {
            return e.toResult(); // the directory is down: not the caller's failure, never a 401
        }
    }

    private AuthenticationResult doSignIn(String realm, ExternalUser external, boolean autoCreate) {
        NewUser profile;
        try {
            profile = new NewUser(external.username(), external.domain(), external.type(),
                    external.displayName(), external.email(), Set.of());
        } catch (IllegalArgumentException e) {
            return AuthenticationResult.Rejected.because("unusable username: " + e.getMessage());
        }
        Held found = findByName(profile);
        if (found != null) {
            SignedIn last = found.last;
            if (last != null && last.realm().equals(realm)
                    && (last.external() == external || last.external().equals(external))
                    && clock.instant().isBefore(last.loginDue())) {
                return last.result(); // nothing changed on either side: the same outcome, nothing to write
            }
        }
        User user;
        if (found != null) {
            user = found.user;
        } else if (autoCreate) {
            user = users.findOrCreate(profile);
        } else {
            return AuthenticationResult.Rejected.because("no user record for '" + profile.username()
                    + "' and realm " + realm + " does not create users");
        }
        if (!user.type().equals(profile.type())) {
            // An external login binds only to an account of its own kind: a directory entry named
            // like a local account must never become that account (and inherit its roles).
            LOG.warn("account clash: realm {} confirmed {} of type {}, but that name belongs to an account of type {};"
                    + " refused, not merged", LogSafe.quote(realm), LogSafe.login(profile.username()),
                    LogSafe.quote(profile.type().name()), LogSafe.quote(user.type().name()));
            return new AuthenticationResult.Rejected("account clash: '" + profile.username() + "' is an account of type "
                    + user.type().name() + ", realm " + realm + " signs in accounts of type " + profile.type().name(),
                    AuthenticationResult.Rejected.INVALID_CREDENTIALS, true);
        }
        if (user.disabled()) {
            return AuthenticationResult.Rejected.because("user '" + user.username() + "' is disabled");
        }
        User current = refresh(user, profile, external);
        Identity identity = Identity.of(current, realm);
        if (!external.attributes().isEmpty()) {
            identity = identity.toBuilder().attributes(external.attributes()).build();
        }
        AuthenticationResult.Authenticated result = new AuthenticationResult.Authenticated(identity);
        if (found != null && current == found.user && current.lastLoginAt().isPresent()) {
            // nothing written: the next sign-in of this login against this record would decide the same
            found.last = new SignedIn(external, realm, current.lastLoginAt().get().plus(LOGIN_WRITE_INTERVAL), result);
        }
        return result;
    }

    /**
     * Writes what the external system now says of the user (profile, directory roles and groups)
     * where it differs from the record, and the login time at most once per
     * {@link #LOGIN_WRITE_INTERVAL}; returns the record as it now is. After a write the cached
     * copy is dropped, not replaced by one derived here: the record read may be up to the bound
     * old, and re-caching it would stretch the bound. A repeat login with nothing changed writes
     * nothing and reads nothing.
     */
    private User refresh(User user, NewUser profile, ExternalUser external) {
        User now = user;
        boolean wrote = false;
        if (profileChanged(now, profile)) {
            users.updateProfile(now.id(), profile.displayName().or(now::displayName), profile.email().or(now::email));
            now = new User(now.id(), now.username(), now.domain(), now.type(), profile.displayName().or(now::displayName),
                    profile.email().or(now::email), now.roles(), now.disabled(), now.createdAt(), now.lastLoginAt(),
                    now.directoryRoles(), now.groups());
            wrote = true;
        }
        if (!now.directoryRoles().equals(external.roles()) || !now.groups().equals(external.groups())) {
            users.setDirectoryMemberships(now.id(), external.roles(), external.groups());
            now = now.withDirectoryMemberships(external.roles(), external.groups());
            wrote = true;
        }
        Instant at = clock.instant();
        boolean stale = now.lastLoginAt()
                .map(last -> Duration.between(last, at).compareTo(LOGIN_WRITE_INTERVAL) >= 0)
                .orElse(true);
        if (stale) {
            users.recordLogin(now.id(), at);
            now = now.withLastLoginAt(at);
            wrote = true;
        }
        if (wrote) {
            userChanged(now.id()); // the next request reads the record as the database has it
        }
        return now;
    }

    /**
     * The identity of a user known by id (the owner of an API key, the current user of a
     * process), refusing users that were deleted or disabled; {@link AuthenticationResult.Unavailable}
     * when the user directory does not answer.
     */
    public AuthenticationResult identify(String realm, UUID userId) {
        Optional<User> user;
        try {
            user = findById(userId);
        } catch (BackendUnavailableException e) {
            return e.toResult();
        }
        if (user.isEmpty()) {
            return AuthenticationResult.Rejected.because("user " + userId + " no longer exists");
        }
        if (user.get().disabled()) {
            return AuthenticationResult.Rejected.because("user '" + user.get().username() + "' is disabled");
        }
        return new AuthenticationResult.Authenticated(Identity.of(user.get(), realm));
    }

    private static boolean profileChanged(User user, NewUser profile) {
        return (profile.displayName().isPresent() && !profile.displayName().equals(user.displayName()))
                || (profile.email().isPresent() && !profile.email().equals(user.email()));
    }
}
