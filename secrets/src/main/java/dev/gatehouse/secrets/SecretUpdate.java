package dev.gatehouse.secrets;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The changes of one {@link SecretManager#update}: any of a new value, a new or removed store
 * password, visibility, owner and projects, optionally guarded by the version the caller read.
 * Changing the value or password of a password-protected secret needs its current password.
 * {@code toString()} redacts. Immutable once built, apart from {@link #wipe()}; not meant to be shared
 * between threads.
 */
public final class SecretUpdate {

    private final SecretValue value;
    private final char[] currentPassword;
    private final char[] newPassword;
    private final boolean removePassword;
    private final Visibility visibility;
    private final UUID owner;
    private final Set<String> projects;
    private final Long expectedVersion;

    private SecretUpdate(Builder b) {
        this.value = b.value;
        this.currentPassword = b.currentPassword;
        this.newPassword = b.newPassword;
        this.removePassword = b.removePassword;
        this.visibility = b.visibility;
        this.owner = b.owner;
        this.projects = b.projects == null ? null : Set.copyOf(b.projects);
        this.expectedVersion = b.expectedVersion;
    }

    /** Starts an update that changes nothing yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** The new value, if it changes. */
    public Optional<SecretValue> value() {
        return Optional.ofNullable(value);
    }

    /** The current store password, not a copy. */
    public Optional<char[]> currentPassword() {
        return Optional.ofNullable(currentPassword);
    }

    /** The new store password, not a copy. */
    public Optional<char[]> newPassword() {
        return Optional.ofNullable(newPassword);
    }

    /** Whether the store password is removed (the server key seals from now on). */
    public boolean removePassword() {
        return removePassword;
    }

    /** The new visibility, if it changes. */
    public Optional<Visibility> visibility() {
        return Optional.ofNullable(visibility);
    }

    /** The new owner, if it changes. */
    public Optional<UUID> owner() {
        return Optional.ofNullable(owner);
    }

    /** The new project restriction, if it changes. */
    public Optional<Set<String>> projects() {
        return Optional.ofNullable(projects);
    }

    /** The version the change is based on: the update fails with CONFLICT if the secret moved on. */
    public OptionalLong expectedVersion() {
        return expectedVersion == null ? OptionalLong.empty() : OptionalLong.of(expectedVersion);
    }

    /** Whether the value or the store password changes (which re-seals the envelope). */
    public boolean changesData() {
        return value != null || newPassword != null || removePassword;
    }

    /** Whether owner, visibility or projects change (which needs OWNER). */
    public boolean changesAccess() {
        return visibility != null || owner != null || projects != null;
    }

    /** Wipes the passwords and the value. */
    public void wipe() {
        if (currentPassword != null) {
            Arrays.fill(currentPassword, '\0');
        }
        if (newPassword != null) {
            Arrays.fill(newPassword, '\0');
        }
        if (value != null) {
            value.wipe();
        }
    }

    @Override
    public String toString() {
        return "SecretUpdate[value=" + (value == null ? "unchanged" : "<redacted>")
                + ", password=" + (newPassword != null ? "<new>" : removePassword ? "removed" : "unchanged")
                + ", visibility=" + visibility + ", owner=" + owner + ", projects=" + projects
                + ", expectedVersion=" + expectedVersion + "]";
    }

    /** Builds a {@link SecretUpdate}. Not thread-safe. */
    public static final class Builder {
        private SecretValue value;
        private char[] currentPassword;
        private char[] newPassword;
        private boolean removePassword;
        private Visibility visibility;
        private UUID owner;
        private Set<String> projects;
        private Long expectedVersion;

        private Builder() {}

        /** Replaces the value (its type may change). */
        public Builder value(SecretValue value) {
            this.value = Objects.requireNonNull(value, "value");
            return this;
        }

        /** The password the secret is protected with now; takes ownership of the array. */
        public Builder currentPassword(char[] password) {
            this.currentPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Protects the secret with this password from now on; takes ownership of the array. */
        public Builder newPassword(char[] password) {
            this.newPassword = Objects.requireNonNull(password, "password");
            this.removePassword = false;
            return this;
        }

        /** Seals the secret with the server key from now on. */
        public Builder removePassword() {
            this.removePassword = true;
            this.newPassword = null;
            return this;
        }

        /** Changes the visibility (needs OWNER). */
        public Builder visibility(Visibility visibility) {
            this.visibility = Objects.requireNonNull(visibility, "visibility");
            return this;
        }

        /** Hands the secret to another owner (needs OWNER). */
        public Builder owner(UUID owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** Replaces the project restriction; empty removes it (needs OWNER). */
        public Builder projects(Set<String> projects) {
            this.projects = Objects.requireNonNull(projects, "projects");
            return this;
        }

        /** Fails the update with CONFLICT unless the secret is still at {@code version}. */
        public Builder expectedVersion(long version) {
            this.expectedVersion = version;
            return this;
        }

        /** The update. */
        public SecretUpdate build() {
            return new SecretUpdate(this);
        }
    }
}
