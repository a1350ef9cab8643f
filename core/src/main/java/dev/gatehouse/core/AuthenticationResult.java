package dev.gatehouse.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A realm's verdict on credentials it was asked to verify. Never {@code null}; an ordinary wrong
 * password is a {@link Rejected}, not an exception.
 *
 * <p>The engine maps each outcome to HTTP: {@link Authenticated} lets the request through,
 * {@link Rejected} becomes a 401, {@link Unavailable} a 503, and {@link NotMine} asks the next
 * realm.
 */
public sealed interface AuthenticationResult {

    /**
     * The credentials checked out; {@code identity} is who is calling.
     *
     * @param account the canonical name of the account in this realm, the same name the realm
     *     gives in {@link Rejected#account()} when a login of this account fails; throttling
     *     forgets that account's failures from this client address on success. Empty means the
     *     identity's username, with {@code @domain} if it has a domain.
     */
    record Authenticated(Identity identity, Optional<String> account) implements AuthenticationResult {
        public Authenticated {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(account, "account");
        }

        /** Authenticated as {@code identity}, whose username names the account. */
        public Authenticated(Identity identity) {
            this(identity, Optional.empty());
        }

        /** The account's canonical name: {@link #account()}, or the identity's username[@domain]. */
        public String accountName() {
            return account.orElseGet(() -> identity.username() + identity.domain().map(d -> "@" + d).orElse(""));
        }
    }

    /**
     * The credentials are wrong, expired, revoked or belong to a disabled user.
     *
     * @param reason what went wrong, for the audit log only: never sent to the client, never
     *     containing the credential itself
     * @param clientMessage what the client is told; the same for every reason that must not be
     *     told apart (unknown, revoked, expired), so that the response is not an oracle
     * @param conclusive whether this realm is sure the credential is its own (a key whose checksum
     *     matched, a token whose format it alone issues), so that the realms after it are not asked
     *     to verify the same credential: a bad API key is never offered to a directory as a
     *     password. A request carries one credential (see {@link Gatehouse}); this does not choose
     *     between credentials, it stops one credential from being tried further.
     * @param account the canonical name of the account the credential resolved to in this realm,
     *     if the realm resolved one (say, the directory entry a login matched before its bind
     *     failed). Throttling counts the failure against that account as well as against the
     *     login as typed, so that spellings the engine cannot unify (an email address and a uid
     *     that name one entry) still share one count. Use the name {@link Authenticated#account()}
     *     gives on success.
     */
    record Rejected(String reason, String clientMessage, boolean conclusive, Optional<String> account)
            implements AuthenticationResult {
        /** The message clients get unless a realm has a more specific, non-revealing one. */
        public static final String INVALID_CREDENTIALS = "Invalid credentials";

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(clientMessage, "clientMessage");
            Objects.requireNonNull(account, "account");
        }

        /** A rejection, {@link #conclusive()} or not, of no resolved account. */
        public Rejected(String reason, String clientMessage, boolean conclusive) {
            this(reason, clientMessage, conclusive, Optional.empty());
        }

        /** A rejection after which later realms may still verify the same credential. */
        public Rejected(String reason, String clientMessage) {
            this(reason, clientMessage, false);
        }

        /** A rejection whose client message is the generic {@value #INVALID_CREDENTIALS}. */
        public static Rejected because(String reason) {
            return new Rejected(reason, INVALID_CREDENTIALS, false);
        }

        /** A {@link #conclusive()} rejection with the generic {@value #INVALID_CREDENTIALS}. */
        public static Rejected conclusively(String reason) {
            return new Rejected(reason, INVALID_CREDENTIALS, true);
        }

        /** This rejection, of the account named {@code account} (see {@link #account()}). */
        public Rejected forAccount(String account) {
            return new Rejected(reason, clientMessage, conclusive, Optional.of(account));
        }
    }

    /**
     * The backend that would verify the credentials did not answer (directory down, database
     * timeout). The engine answers 503 with {@code Retry-After}, unless another realm
     * authenticates the request.
     *
     * @param backend names the backend for the log, e.g. {@code ldap://dc1:389}
     */
    record Unavailable(String backend, Duration retryAfter) implements AuthenticationResult {
        public Unavailable {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
            }
        }
    }

    /**
     * On closer inspection the credentials are not this realm's (say, a bearer token of another
     * format). The engine asks the next realm; credentials that no realm takes are still a 401.
     */
    record NotMine() implements AuthenticationResult {
        private static final NotMine INSTANCE = new NotMine();

        /** The shared instance. */
        public static NotMine instance() {
            return INSTANCE;
        }
    }
}
