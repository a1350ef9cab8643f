package dev.gatehouse.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One way of authenticating a caller: API keys, LDAP passwords, session tokens, or a plugin's.
 * Authentication is two steps, so that each can be tested alone and realms can be used outside
 * servlets:
 *
 * <ol>
 *   <li>{@link #credentials(RequestView)} reads this realm's credentials from the request, if it
 *       carries any; it does not verify them and must be cheap.
 *   <li>{@link #authenticate(Credentials)} verifies them and answers with an
 *       {@link AuthenticationResult}: never {@code null}, never an exception for an ordinary wrong
 *       password.
 * </ol>
 *
 * <p>Rules every realm follows: fail closed (a backend error is {@link
 * AuthenticationResult.Unavailable} or {@link AuthenticationResult.Rejected}, never a pass); never
 * log a credential; compare secrets in constant time; and make an unknown user cost the same as a
 * wrong password (verify against a dummy value rather than returning early).
 *
 * <p>Implementations are thread-safe: one instance serves every request.
 */
public interface Realm {

    /** The name this realm was configured under, e.g. {@code ldap}; used in identities and logs. */
    String name();

    /**
     * The credentials this realm would verify, read from {@code request}; empty if the request
     * carries none of this realm's kind. Never throws for a malformed value: a malformed
     * {@code Authorization} header is handled by the engine before realms are asked.
     */
    Optional<Credentials> credentials(RequestView request);

    /** Verifies credentials that {@link #credentials(RequestView)} returned. */
    AuthenticationResult authenticate(Credentials credentials);

    /**
     * The request headers this realm reads credentials from. A request that carries any of them
     * has presented credentials: if no realm then takes them, it is refused rather than let through
     * anonymously.
     */
    default Set<String> credentialHeaders() {
        return Set.of(RequestView.AUTHORIZATION);
    }

    /**
     * The {@code WWW-Authenticate} challenges this realm offers on a 401 (RFC 9110 section
     * 11.6.1), e.g. {@code Basic realm="gatehouse", charset="UTF-8"}.
     */
    default List<String> challenges() {
        return List.of();
    }
}
