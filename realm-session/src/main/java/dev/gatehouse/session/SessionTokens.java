package dev.gatehouse.session;

import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ProcessInfo;
import java.util.UUID;

/**
 * Issues per-process session tokens: compact JWE ({@code alg=dir}, {@code enc=A256GCM}, RFC 7516
 * and RFC 7518 sections 4.5 and 5.3) whose encrypted claims name the process, when the token was
 * issued and when it expires, and a unique id. Whoever holds a token cannot read the process id
 * in it or change anything in it; it stays valid until the process reaches a final status, is
 * forgotten by the registry, or the token's maximum lifetime ends.
 *
 * <p>Get the issuer of a configured session realm with
 * {@code gatehouse.realm(SessionRealm.class).orElseThrow().tokens()}. Thread-safe.
 */
public interface SessionTokens {

    /**
     * A new token for process {@code processId}, under the realm's issuing key.
     *
     * @throws IllegalStateException if the registry does not know the process or it is in a final
     *     status: such a token would be refused anyway
     * @throws BackendUnavailableException if the registry cannot be read
     */
    String issue(UUID processId);

    /**
     * The process's view of itself: its id, org and project from the registry, and a new session
     * token, for {@code ${processInfo.sessionToken}}.
     *
     * @throws IllegalStateException as {@link #issue(UUID)}
     * @throws BackendUnavailableException if the registry cannot be read
     */
    ProcessInfo processInfo(UUID processId);
}
