package dev.gatehouse.secrets;

import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessRef;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who asks the secret manager for something: the user, the organisations and teams the host says
 * they belong to, whether they are an admin, and the process they act for (session tokens). The
 * host builds it from its own membership data; Gatehouse does not keep teams. Immutable.
 *
 * @param userId the user's id
 * @param orgs organisations the user is a member of (PUBLIC secrets of these are readable)
 * @param teams teams the user is a member of (team grants apply)
 * @param admin whether the user may do anything (except read a project-restricted value outside a
 *     process of that project)
 * @param process the process the caller acts for, if any
 */
public record Caller(UUID userId, Set<String> orgs, Set<UUID> teams, boolean admin, Optional<ProcessRef> process) {

    /** The role that makes an {@link Identity} an admin in {@link #of(Identity, Set, Set)}. */
    public static final String ADMIN_ROLE = "admin";

    /**
     * Copies the sets.
     *
     * @throws NullPointerException if an argument is null
     */
    public Caller {
        Objects.requireNonNull(userId, "userId");
        orgs = Set.copyOf(orgs);
        teams = Set.copyOf(teams);
        Objects.requireNonNull(process, "process");
    }

    /**
     * The caller an authenticated identity stands for: admin if it has role {@value #ADMIN_ROLE},
     * acting for the identity's process if a session token established one.
     */
    public static Caller of(Identity identity, Set<String> orgs, Set<UUID> teams) {
        return new Caller(identity.userId(), orgs, teams, identity.hasRole(ADMIN_ROLE), identity.process());
    }

    /** The same caller acting for {@code process}. */
    public Caller inProcess(ProcessRef process) {
        return new Caller(userId, orgs, teams, admin, Optional.of(process));
    }
}
