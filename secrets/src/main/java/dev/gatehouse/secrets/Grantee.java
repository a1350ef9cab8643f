package dev.gatehouse.secrets;

import java.util.Objects;
import java.util.UUID;

/** Who a grant is given to: a user or a team, by id. Immutable. */
public sealed interface Grantee {

    /** The user's or team's id. */
    UUID id();

    /** A grant to one user. */
    record User(UUID id) implements Grantee {
        /** @throws NullPointerException if {@code id} is null */
        public User {
            Objects.requireNonNull(id, "id");
        }
    }

    /** A grant to every member of a team. */
    record Team(UUID id) implements Grantee {
        /** @throws NullPointerException if {@code id} is null */
        public Team {
            Objects.requireNonNull(id, "id");
        }
    }

    /** A grant to user {@code id}. */
    static Grantee user(UUID id) {
        return new User(id);
    }

    /** A grant to team {@code id}. */
    static Grantee team(UUID id) {
        return new Team(id);
    }
}
