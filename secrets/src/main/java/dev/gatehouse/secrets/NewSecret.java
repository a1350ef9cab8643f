package dev.gatehouse.secrets;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What {@link SecretManager#create} needs: org, name, value and optional settings. Build with
 * {@link #builder(String, String, SecretValue)}. The value's arrays and the store password are held
 * as given, not copied, and {@link SecretManager#create} wipes them once the secret is sealed (pass a
 * copy to keep one). {@code toString()} redacts. Immutable once built, apart from {@link #wipe()}; not
 * meant to be shared between threads.
 */
public final class NewSecret {

    private final String org;
    private final String name;
    private final SecretValue value;
    private final Visibility visibility;
    private final char[] storePassword;
    private final Set<String> projects;
    private final UUID owner;

    private NewSecret(Builder b) {
        this.org = b.org;
        this.name = b.name;
        this.value = b.value;
        this.visibility = b.visibility;
        this.storePassword = b.storePassword;
        this.projects = Set.copyOf(b.projects);
        this.owner = b.owner;
    }

    /** Starts a new secret; visibility defaults to PRIVATE, owner to the caller, no password, no projects. */
    public static Builder builder(String org, String name, SecretValue value) {
        return new Builder(org, name, value);
    }

    /** The organisation the secret belongs to. */
    public String org() {
        return org;
    }

    /** The secret's name, unique in its organisation. */
    public String name() {
        return name;
    }

    /** The value, not a copy. */
    public SecretValue value() {
        return value;
    }

    /** PUBLIC or PRIVATE. */
    public Visibility visibility() {
        return visibility;
    }

    /** The store password, not a copy. */
    public Optional<char[]> storePassword() {
        return Optional.ofNullable(storePassword);
    }

    /** The projects whose processes alone may read the value; empty for no restriction. */
    public Set<String> projects() {
        return projects;
    }

    /** The owner, if not the caller. */
    public Optional<UUID> owner() {
        return Optional.ofNullable(owner);
    }

    /** Wipes the store password and the value. */
    public void wipe() {
        if (storePassword != null) {
            Arrays.fill(storePassword, '\0');
        }
        value.wipe();
    }

    @Override
    public String toString() {
        return "NewSecret[" + org + "/" + name + ", " + value.type() + ", " + visibility
                + (storePassword != null ? ", password-protected" : "") + "]";
    }

    /** Builds a {@link NewSecret}. Not thread-safe. */
    public static final class Builder {
        private final String org;
        private final String name;
        private final SecretValue value;
        private Visibility visibility = Visibility.PRIVATE;
        private char[] storePassword;
        private Set<String> projects = Set.of();
        private UUID owner;

        private Builder(String org, String name, SecretValue value) {
            this.org = Objects.requireNonNull(org, "org");
            this.name = Objects.requireNonNull(name, "name");
            this.value = Objects.requireNonNull(value, "value");
        }

        /** PUBLIC (org members may read) or PRIVATE (the default). */
        public Builder visibility(Visibility visibility) {
            this.visibility = Objects.requireNonNull(visibility, "visibility");
            return this;
        }

        /** Protects the secret with a store password; takes ownership of the array. */
        public Builder storePassword(char[] password) {
            this.storePassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Restricts reading the value to processes of these projects. */
        public Builder projects(Set<String> projects) {
            this.projects = Objects.requireNonNull(projects, "projects");
            return this;
        }

        /** Makes {@code owner} the owner instead of the caller. */
        public Builder owner(UUID owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** The new secret's description; validated by {@link SecretManager#create}. */
        public NewSecret build() {
            return new NewSecret(this);
        }
    }
}
