package dev.gatehouse.core;

import java.security.Principal;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Who is calling: an immutable, thread-safe description of an authenticated caller. It is also
 * the {@link Principal} that the servlet filter's request wrapper returns; its name is the
 * username.
 *
 * <p>Build one with {@link #builder(UUID, String, String)}, or derive one from an existing
 * identity with {@link #toBuilder()}.
 */
public final class Identity implements Principal {

    private final UUID userId;
    private final String username;
    private final String domain;
    private final String realm;
    private final UserType userType;
    private final String displayName;
    private final String email;
    private final Set<String> roles;
    private final Map<String, String> attributes;
    private final ProcessRef process;
    private final Set<Permission> scopes;

    private Identity(Builder b) {
        this.userId = b.userId;
        this.username = b.username;
        this.domain = b.domain;
        this.realm = b.realm;
        this.userType = b.userType;
        this.displayName = b.displayName;
        this.email = b.email;
        this.roles = Set.copyOf(b.roles);
        this.attributes = Map.copyOf(b.attributes);
        this.process = b.process;
        this.scopes = b.scopes == null ? null : Set.copyOf(b.scopes);
    }

    /**
     * Starts an identity.
     *
     * @param userId the user record's id
     * @param username the username, stored lower-case
     * @param realm the name of the realm that authenticated the caller
     */
    public static Builder builder(UUID userId, String username, String realm) {
        return new Builder(userId, username, realm);
    }

    /** The identity of a user record, as authenticated by {@code realm}. */
    public static Identity of(User user, String realm) {
        Builder b = builder(user.id(), user.username(), realm)
                .userType(user.type())
                .roles(user.allRoles())
                .domain(user.domain().orElse(null))
                .displayName(user.displayName().orElse(null))
                .email(user.email().orElse(null));
        return b.build();
    }

    /** A builder holding this identity's values. */
    public Builder toBuilder() {
        Builder b = new Builder(userId, username, realm)
                .userType(userType)
                .roles(roles)
                .attributes(attributes);
        b.domain = domain;
        b.displayName = displayName;
        b.email = email;
        b.process = process;
        b.scopes = scopes;
        return b;
    }

    public UUID userId() {
        return userId;
    }

    public String username() {
        return username;
    }

    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /** The realm that authenticated this caller. */
    public String realm() {
        return realm;
    }

    public UserType userType() {
        return userType;
    }

    public Optional<String> displayName() {
        return Optional.ofNullable(displayName);
    }

    public Optional<String> email() {
        return Optional.ofNullable(email);
    }

    /** Roles, unmodifiable. */
    public Set<String> roles() {
        return roles;
    }

    /** Whether the caller has {@code role} (exact, case-sensitive match). */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Attributes a realm copied from its backend (say, LDAP attributes), unmodifiable. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** The process this caller acts for, when authenticated with a session token. */
    public Optional<ProcessRef> process() {
        return Optional.ofNullable(process);
    }

    /**
     * The permissions the caller's credential is limited to, if it is limited (a scoped API key,
     * a process's token); empty means "everything its user may do". See {@link #permits}.
     */
    public Optional<Set<Permission>> scopes() {
        return Optional.ofNullable(scopes);
    }

    /**
     * Whether the caller's credential allows {@code permission}: always, for a credential that is
     * not limited; otherwise if one of its {@link #scopes()} covers it. This says nothing about
     * whether the user may do it at all (roles, ownership): hosts check both, and
     * {@link Authorization#require} is the checked form.
     */
    public boolean permits(Permission permission) {
        Objects.requireNonNull(permission, "permission");
        return scopes == null || Permission.anyCovers(scopes, permission);
    }

    /** {@link #permits(Permission)} for the permission named {@code permission}. */
    public boolean permits(String permission) {
        return permits(Permission.of(permission));
    }

    /** The username; the name that {@link Principal} promises. */
    @Override
    public String getName() {
        return username;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Identity other)) {
            return false;
        }
        return userId.equals(other.userId) && username.equals(other.username)
                && Objects.equals(domain, other.domain) && realm.equals(other.realm)
                && userType.equals(other.userType) && Objects.equals(displayName, other.displayName)
                && Objects.equals(email, other.email) && roles.equals(other.roles)
                && attributes.equals(other.attributes) && Objects.equals(process, other.process)
                && Objects.equals(scopes, other.scopes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, username, domain, realm, userType, roles, process, scopes);
    }

    @Override
    public String toString() {
        return "Identity[user=" + username + (domain == null ? "" : "@" + domain) + ", id=" + userId
                + ", realm=" + realm + ", type=" + userType + ", roles=" + roles
                + (process == null ? "" : ", process=" + process.id())
                + (scopes == null ? "" : ", scopes=" + new TreeSet<>(scopes.stream().map(Permission::name).toList()))
                + "]";
    }

    /** Builds an {@link Identity}. Not thread-safe. */
    public static final class Builder {
        private final UUID userId;
        private final String username;
        private final String realm;
        private String domain;
        private UserType userType = UserType.LOCAL;
        private String displayName;
        private String email;
        private Set<String> roles = Set.of();
        private Map<String, String> attributes = Map.of();
        private ProcessRef process;
        private Set<Permission> scopes;

        private Builder(UUID userId, String username, String realm) {
            this.userId = Objects.requireNonNull(userId, "userId");
            this.username = Objects.requireNonNull(username, "username").toLowerCase(Locale.ROOT);
            this.realm = Objects.requireNonNull(realm, "realm");
            if (this.username.isBlank()) {
                throw new IllegalArgumentException("username must not be blank");
            }
        }

        public Builder domain(String domain) {
            this.domain = domain == null ? null : domain.toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder userType(UserType type) {
            this.userType = Objects.requireNonNull(type, "type");
            return this;
        }

        public Builder displayName(String displayName) {
            this.displayName = displayName;
            return this;
        }

        public Builder email(String email) {
            this.email = email;
            return this;
        }

        public Builder roles(Set<String> roles) {
            this.roles = Set.copyOf(roles);
            return this;
        }

        public Builder attributes(Map<String, String> attributes) {
            this.attributes = Map.copyOf(attributes);
            return this;
        }

        /** The process this caller acts for; the engine then narrows it by its {@link ProcessPolicy}. */
        public Builder process(ProcessRef process) {
            this.process = process;
            return this;
        }

        /**
         * Limits the credential to {@code scopes} (see {@link Identity#scopes()}); {@code null}
         * lifts the limit. An empty set permits nothing.
         */
        public Builder scopes(Set<Permission> scopes) {
            this.scopes = scopes == null ? null : Set.copyOf(scopes);
            return this;
        }

        public Identity build() {
            return new Identity(this);
        }
    }
}
