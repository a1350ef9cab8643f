package dev.gatehouse.session;

import dev.gatehouse.core.BackendUnavailableException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The host's view of its processes, as the session realm needs it: does a process exist, what is
 * its status, is that status final, who is its current user. The host implements it over its own
 * process table, or keeps its processes in a {@link ProcessStore} that Gatehouse ships (in memory,
 * or JDBC for H2 and PostgreSQL). Pass it to {@link SessionRealm#builder}, or register it with
 * {@code Gatehouse.builder().service(ProcessRegistry.class, registry)} for a configured realm
 * (which otherwise builds a {@link ProcessStore} itself, see the module's README).
 *
 * <p>Revocation depends on it: a session token is accepted only while {@link #find(UUID)} reports
 * its process with a status that {@link #isFinal(String)} does not call final. Implementations
 * must therefore reflect a status change made on this node at once, and one made on another node
 * within a stated bound (Gatehouse's JDBC store: {@link ProcessStore.Builder#maxStaleness}, 1 s by
 * default).
 *
 * <p>Implementations are thread-safe and fast: the realm calls {@link #find(UUID)} on every
 * session-token request, including those its verified-token cache answers.
 */
public interface ProcessRegistry {

    /** The statuses that are final unless a registry says otherwise. */
    Set<String> DEFAULT_FINAL_STATUSES = Set.of("FINISHED", "FAILED", "CANCELLED", "TIMED_OUT");

    /**
     * The process with id {@code processId}, or empty if this registry does not know it.
     *
     * @throws BackendUnavailableException if the backing store cannot be read; the realm then
     *     answers 503 with {@code Retry-After}, never lets the request through and never counts it
     *     as a failed login (any other runtime exception is treated the same way)
     */
    Optional<ProcessState> find(UUID processId);

    /**
     * Whether {@code status} is final: a process in a final status never runs again, and its
     * session tokens are refused. The default is {@link #DEFAULT_FINAL_STATUSES}, compared
     * case-insensitively; override to add the host's own final statuses.
     */
    default boolean isFinal(String status) {
        return DEFAULT_FINAL_STATUSES.contains(status.toUpperCase(Locale.ROOT));
    }
}
