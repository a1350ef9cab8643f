package dev.gatehouse.core.audit;

import dev.gatehouse.core.Identity;
import dev.gatehouse.core.LogSafe;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One entry of the {@link AuditTrail}: who did what to which thing, with what outcome, from where.
 * It names things (usernames, key ids, secret names) and never holds a value, a password, a key or
 * a token: build it from an {@link Identity} with {@link #by(Identity, String)}, which passes the
 * username through {@link LogSafe#login}. Immutable and thread-safe.
 *
 * @param at when it happened
 * @param actor who acted; empty for the system itself (a retention purge, an expiry sweep)
 * @param process the process the actor acted for (a session token, the crypto task), if any
 * @param action what was done, one of the constants below or a host's own ({@code order.approve})
 * @param target what it was done to ({@code secret:org/name}, {@code apikey:<id>}, {@code user:<id>})
 * @param outcome whether it was done
 * @param clientAddress the client's address, when the event came from a request
 * @param detail a short, value-free note ({@code "store password"}, a failed login's reason)
 */
public record AuditEvent(Instant at, Optional<Actor> actor, Optional<UUID> process, String action,
        Optional<String> target, Outcome outcome, Optional<String> clientAddress, Optional<String> detail) {

    /** A successful, failed or throttled login (password or token). */
    public static final String LOGIN = "login";
    public static final String APIKEY_CREATE = "apikey.create";
    public static final String APIKEY_REVOKE = "apikey.revoke";
    public static final String APIKEY_EXPIRE = "apikey.expire";
    public static final String USER_CREATE = "user.create";
    /** A user's roles or other attributes changed. */
    public static final String USER_CHANGE = "user.change";
    public static final String USER_DISABLE = "user.disable";
    public static final String USER_ENABLE = "user.enable";
    public static final String USER_DELETE = "user.delete";
    public static final String SECRET_CREATE = "secret.create";
    /** A secret's value (or key pair) was read; by a process too (the crypto task). */
    public static final String SECRET_READ = "secret.read";
    public static final String SECRET_UPDATE = "secret.update";
    public static final String SECRET_DELETE = "secret.delete";
    /** An encrypted string was decrypted (by a process). */
    public static final String STRING_DECRYPT = "string.decrypt";
    /** A secret's store password was wrong. */
    public static final String STORE_PASSWORD = "secret.store-password";

    /** The longest action, target, address or detail kept; longer ones are cut. */
    public static final int MAX_FIELD = 256;

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(detail, "detail");
        if (action.isBlank()) {
            throw new IllegalArgumentException("action must not be blank");
        }
        action = cut(action);
        target = target.map(AuditEvent::cut);
        clientAddress = clientAddress.map(AuditEvent::cut);
        detail = detail.map(AuditEvent::cut);
    }

    private static String cut(String s) {
        return s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }

    /** Whether the action was done. */
    public enum Outcome {
        /** It was done. */
        SUCCESS,
        /** It was attempted and failed: wrong credentials, a wrong store password, a refusal. */
        FAILURE,
        /** It was refused without being tried, after earlier failures. */
        THROTTLED,
        /** The caller was not allowed to. */
        DENIED
    }

    /**
     * Who acted.
     *
     * @param userId the user record's id; empty for a login whose username matched nobody
     * @param username as {@link LogSafe#login} shows it (redacted if it has a credential's shape)
     * @param realm the realm that authenticated the actor, if known
     */
    public record Actor(Optional<UUID> userId, String username, Optional<String> realm) {
        public Actor {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(realm, "realm");
            username = LogSafe.login(username);
        }

        /** The actor an identity describes. */
        public static Actor of(Identity identity) {
            return new Actor(Optional.of(identity.userId()), identity.username(), Optional.of(identity.realm()));
        }
    }

    /** An event by {@code identity} (its user, realm and process), now, successful; refine with the withers. */
    public static AuditEvent by(Identity identity, String action) {
        return new AuditEvent(Instant.now(), Optional.of(Actor.of(identity)), identity.process().map(p -> p.id()),
                action, Optional.empty(), Outcome.SUCCESS, Optional.empty(), Optional.empty());
    }

    /** An event of the system itself (no actor), now, successful. */
    public static AuditEvent bySystem(String action) {
        return new AuditEvent(Instant.now(), Optional.empty(), Optional.empty(), action, Optional.empty(),
                Outcome.SUCCESS, Optional.empty(), Optional.empty());
    }

    public AuditEvent at(Instant at) {
        return new AuditEvent(at, actor, process, action, target, outcome, clientAddress, detail);
    }

    public AuditEvent target(String target) {
        return new AuditEvent(at, actor, process, action, Optional.ofNullable(target), outcome, clientAddress, detail);
    }

    public AuditEvent outcome(Outcome outcome) {
        return new AuditEvent(at, actor, process, action, target, outcome, clientAddress, detail);
    }

    public AuditEvent clientAddress(String address) {
        return new AuditEvent(at, actor, process, action, target, outcome, Optional.ofNullable(address), detail);
    }

    /** A value-free note; passed through {@link LogSafe#text}-style redaction of credential-shaped words. */
    public AuditEvent detail(String detail) {
        return new AuditEvent(at, actor, process, action, target, outcome, clientAddress,
                Optional.ofNullable(detail).map(AuditEvents::redactWords));
    }

    /** The process the actor acted for, if not the identity's own (the crypto task's caller). */
    public AuditEvent process(UUID process) {
        return new AuditEvent(at, actor, Optional.ofNullable(process), action, target, outcome, clientAddress, detail);
    }
}
