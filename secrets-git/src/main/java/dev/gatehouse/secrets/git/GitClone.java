package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.git.internal.JGitCloner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A clone to run: which repository, which branch or tag, how deep, how host keys are checked.
 * Build with {@link #of(GitRemote)}, run with {@link #into(Path, GitCredentials)}. Shallow by
 * default (depth 1): the checked-out commit only. Submodules are not cloned. Immutable,
 * thread-safe; one clone may be run many times.
 */
public final class GitClone {

    /** The default connect and read timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Branch and tag names: git check-ref-format's rules, roughly, and no option-like names. */
    private static final Pattern REF = Pattern.compile("^(?!-)(?!.*\\.\\.)(?!.*//)(?!.*@\\{)[A-Za-z0-9._/+-]{1,255}(?<![./])$");

    private final GitRemote remote;
    private final Optional<String> ref;
    private final int depth;
    private final Duration timeout;
    private final HostKeyPolicy hostKeys;

    private GitClone(Builder b) {
        this.remote = b.remote;
        this.ref = b.ref;
        this.depth = b.depth;
        this.timeout = b.timeout;
        this.hostKeys = b.hostKeys;
    }

    /** Starts a clone of {@code remote}: its HEAD, depth 1, strict host keys with none known, 30 s timeout. */
    public static Builder of(GitRemote remote) {
        return new Builder(remote);
    }

    /** The repository. */
    public GitRemote remote() {
        return remote;
    }

    /** The branch or tag to check out; empty for the remote's HEAD. */
    public Optional<String> ref() {
        return ref;
    }

    /** How many commits are fetched; 0 for the whole history. */
    public int depth() {
        return depth;
    }

    /** The connect and read timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** How SSH host keys are checked. */
    public HostKeyPolicy hostKeys() {
        return hostKeys;
    }

    /**
     * Clones into {@code directory} with {@code credentials}, which must have been made for this
     * clone's remote's scheme. The directory is created ({@code rwx------}) if it does not exist; it
     * must be empty if it does. On failure, whatever the clone wrote is removed. The credentials are
     * not closed: the caller closes them.
     *
     * @throws GitAccessException for every failure to reach, authenticate to or read the repository
     * @throws IllegalArgumentException if {@code directory} exists and is not an empty folder
     * @throws IllegalStateException if the credentials were closed
     * @throws UncheckedIOException if {@code directory} cannot be created or cleaned up
     */
    public ClonedRepository into(Path directory, GitCredentials credentials) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(credentials, "credentials");
        if (credentials.type() != remote.secretType()) {
            throw new GitAccessException.SchemeMismatch(credentials.description(), credentials.type(), remote.scheme());
        }
        boolean created = prepare(directory);
        JGitCloner.Request request = new JGitCloner.Request(remote, ref, depth, timeout, hostKeys.check(), directory);
        try {
            JGitCloner.Result result;
            if (credentials instanceof GitCredentials.SshKey key) {
                result = JGitCloner.cloneWithKey(request, key.privateKey(),
                        "the key pair of " + lowerFirst(credentials.description()) + " (" + key.fingerprint() + ")");
            } else {
                GitCredentials.UsernamePassword up = (GitCredentials.UsernamePassword) credentials;
                result = JGitCloner.cloneWithPassword(request, up.username(), up.password(),
                        "username '" + up.username() + "' with the password of " + lowerFirst(credentials.description()));
            }
            return new ClonedRepository(directory, result.ref(), result.commitId());
        } catch (RuntimeException e) {
            ClonedRepository.deleteTree(directory, !created);
            throw e;
        }
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static boolean prepare(Path directory) {
        try {
            if (!Files.exists(directory)) {
                Files.createDirectory(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return true;
            }
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("clone target " + directory + " exists and is not a folder");
            }
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("clone target " + directory + " is not empty");
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create clone target " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "GitClone[" + remote + ref.map(r -> " @" + r).orElse("") + ", depth " + depth + ", " + hostKeys + "]";
    }

    /** Builds a {@link GitClone}; fails fast naming the setting. Not thread-safe. */
    public static final class Builder {
        private final GitRemote remote;
        private Optional<String> ref = Optional.empty();
        private int depth = 1;
        private Duration timeout = DEFAULT_TIMEOUT;
        private HostKeyPolicy hostKeys = HostKeyPolicy.strict(KnownHosts.none());

        private Builder(GitRemote remote) {
            this.remote = Objects.requireNonNull(remote, "remote");
        }

        /**
         * The branch or tag to check out: {@code main}, {@code v1.2}, {@code refs/heads/main} or
         * {@code refs/tags/v1.2}.
         *
         * @throws IllegalArgumentException if it is not a valid ref name
         */
        public Builder ref(String ref) {
            Objects.requireNonNull(ref, "ref");
            if (!REF.matcher(ref).matches() || ref.endsWith(".lock")) {
                throw new IllegalArgumentException("ref must be a branch or tag name, was '" + ref + "'");
            }
            this.ref = Optional.of(ref);
            return this;
        }

        /**
         * How many commits to fetch (default 1, a shallow clone); 0 fetches the whole history.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder depth(int depth) {
            if (depth < 0) {
                throw new IllegalArgumentException("depth must be 0 (full history) or positive, was " + depth);
            }
            this.depth = depth;
            return this;
        }

        /**
         * The connect and read timeout (default 30 s), at least one second.
         *
         * @throws IllegalArgumentException if shorter than a second
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 s, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How SSH host keys are checked (default: strict, none known). */
        public Builder hostKeys(HostKeyPolicy hostKeys) {
            this.hostKeys = Objects.requireNonNull(hostKeys, "hostKeys");
            return this;
        }

        /** The clone. */
        public GitClone build() {
            return new GitClone(this);
        }
    }
}
