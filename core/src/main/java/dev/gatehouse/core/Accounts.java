package dev.gatehouse.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of every login: from "the credentials checked out" to an {@link Identity}. Finds
 * the user record (creating it on first login where the realm allows), refuses disabled users and
 * records the login. Realms get it from {@link RealmContext#accounts()}, so that every realm
 * applies the same rules. Thread-safe.
 */
public final class Accounts {

    /** A login time is written at most once per this interval per user, to spare the database. */
    static final Duration LOGIN_WRITE_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    private final UserDirectory users;
    private final Clock clock;

    /** Accounts over {@code users}, timed by {@code clock}. */
    public Accounts(UserDirectory users, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        Optional<User> found = users.findByUsername(profile.username(), profile.domain());
        User user;
        if (found.isPresent()) {
            user = found.get();
            if (profileChanged(user, profile)) {
                users.updateProfile(user.id(), profile.displayName(), profile.email());
            }
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
        recordLogin(user);
        Set<String> roles = new HashSet<>(user.roles());
        roles.addAll(external.roles());
        Identity.Builder identity = Identity.of(user, realm).toBuilder()
                .userType(user.type())
                .roles(roles)
                .attributes(external.attributes());
        profile.displayName().ifPresent(identity::displayName);
        profile.email().ifPresent(identity::email);
        return new AuthenticationResult.Authenticated(identity.build());
    }

    /**
     * The identity of a user known by id (the owner of an API key, the current user of a
     * process), refusing users that were deleted or disabled; {@link AuthenticationResult.Unavailable}
     * when the user directory does not answer.
     */
    public AuthenticationResult identify(String realm, UUID userId) {
        Optional<User> user;
        try {
            user = users.findById(userId);
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

    private void recordLogin(User user) {
        Instant now = clock.instant();
        boolean stale = user.lastLoginAt()
                .map(last -> Duration.between(last, now).compareTo(LOGIN_WRITE_INTERVAL) >= 0)
                .orElse(true);
        if (stale) {
            users.recordLogin(user.id(), now);
        }
    }

    private static boolean profileChanged(User user, NewUser profile) {
        return (profile.displayName().isPresent() && !profile.displayName().equals(user.displayName()))
                || (profile.email().isPresent() && !profile.email().equals(user.email()));
    }
}
