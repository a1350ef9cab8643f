package dev.gatehouse.session;

import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.Realm;
import dev.gatehouse.session.internal.SessionRealm;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Issues per-process session tokens: compact JWE ({@code alg=dir}, {@code enc=A256GCM}, RFC 7516
 * and RFC 7518 sections 4.5 and 5.3) whose encrypted claims name the process, when the token was
 * issued and when it expires, and a unique id. Whoever holds a token cannot read the process id
 * in it or change anything in it; it stays valid until the process reaches a final status, is
 * forgotten by the registry, or the token's maximum lifetime ends.
 *
 * <p>Get the issuer of a configured session realm with {@link #of(Gatehouse)}. Thread-safe.
 */
public interface SessionTokens {

    /**
     * A new token for process {@code processId}, under the configured issuing key.
     *
     * @throws IllegalStateException if the registry does not know the process or it is in a final
     *     status: such a token would be refused anyway
     * @throws RuntimeException if the registry cannot be read
     */
    String issue(UUID processId);

    /**
     * The process's view of itself: its id, org and project from the registry, and a new session
     * token, for {@code ${processInfo.sessionToken}}.
     *
     * @throws IllegalStateException as {@link #issue(UUID)}
     */
    ProcessInfo processInfo(UUID processId);

    /**
     * The issuer of the one realm of type {@code session} in {@code gatehouse}.
     *
     * @throws IllegalArgumentException if there is no session realm, or more than one (then use
     *     {@link #of(Gatehouse, String)})
     */
    static SessionTokens of(Gatehouse gatehouse) {
        List<SessionRealm> found = new ArrayList<>();
        for (Realm r : gatehouse.realms()) {
            if (r instanceof SessionRealm s) {
                found.add(s);
            }
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException("expected exactly one session realm, found " + found.size()
                    + (found.isEmpty() ? "" : "; name the one you mean with SessionTokens.of(gatehouse, name)"));
        }
        return found.get(0).tokens();
    }

    /**
     * The issuer of the session realm named {@code realmName} in {@code gatehouse}.
     *
     * @throws IllegalArgumentException if no realm of that name is a session realm
     */
    static SessionTokens of(Gatehouse gatehouse, String realmName) {
        for (Realm r : gatehouse.realms()) {
            if (r instanceof SessionRealm s && r.name().equals(realmName)) {
                return s.tokens();
            }
        }
        throw new IllegalArgumentException("no session realm named '" + realmName + "'");
    }
}
