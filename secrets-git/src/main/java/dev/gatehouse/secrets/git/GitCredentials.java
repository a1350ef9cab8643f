package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.git.internal.HostKeys;
import dev.gatehouse.secrets.git.internal.PrivateKeys;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Git credentials made from a secret's value: {@link SshKey} for SSH remotes, {@link UsernamePassword}
 * for HTTP(S) remotes. They hold the secret's arrays (not copies) and {@link #close()} wipes them;
 * the private key or password is handed to the Git client in memory and never written to a file,
 * unless the caller asks for one with {@link SshKey#writePrivateKeyFile(Path)}. {@code toString()}
 * prints no secret. Not thread-safe: use from one thread, then close.
 */
public abstract sealed class GitCredentials implements AutoCloseable {

    private final SecretValue value;
    private final String description;
    private volatile boolean closed;

    private GitCredentials(SecretValue value, String description) {
        this.value = value;
        this.description = description;
    }

    /**
     * Credentials for {@code remote} from {@code value}; takes ownership of the value and wipes it
     * on {@link #close()} (or at once if it does not fit).
     *
     * @throws GitAccessException.SchemeMismatch if the value's type is not the one {@code remote}'s
     *     scheme needs (a password for {@code ssh://}, a key pair for {@code https://}, any DATA secret)
     */
    public static GitCredentials of(SecretValue value, GitRemote remote) {
        return of("The secret", value, remote);
    }

    /** As {@link #of(SecretValue, GitRemote)}; {@code description} names the secret in messages. */
    static GitCredentials of(String description, SecretValue value, GitRemote remote) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remote, "remote");
        if (value.type() != remote.secretType()) {
            SecretType type = value.type();
            value.wipe();
            throw new GitAccessException.SchemeMismatch(description, type, remote.scheme());
        }
        if (value instanceof SecretValue.KeyPair keyPair) {
            return new SshKey(keyPair, description);
        }
        return new UsernamePassword((SecretValue.UsernamePassword) value, description);
    }

    /** The type of secret these credentials came from. */
    public SecretType type() {
        return value.type();
    }

    /** Names the secret in messages, e.g. {@code Secret acme/deploy-key}. */
    String description() {
        return description;
    }

    /** @throws IllegalStateException if closed */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("these Git credentials were closed and their secret wiped");
        }
    }

    /** Wipes the secret's arrays. Idempotent. */
    @Override
    public void close() {
        closed = true;
        value.wipe();
    }

    /** An SSH key pair: the public key's {@code authorized_keys} line and the private key. */
    public static final class SshKey extends GitCredentials {
        private final SecretValue.KeyPair keyPair;

        private SshKey(SecretValue.KeyPair keyPair, String description) {
            super(keyPair, description);
            this.keyPair = keyPair;
        }

        /** The {@code authorized_keys} line of the key, as the secret stores it (not secret). */
        public String publicKey() {
            return keyPair.publicKey();
        }

        /** The public key's fingerprint, {@code SHA256:<base64>}, as {@code ssh-keygen -l} prints it. */
        public String fingerprint() {
            return HostKeys.fingerprint(PrivateKeys.publicKey(keyPair.publicKey()));
        }

        /** The private key in OpenSSH format, not a copy. */
        byte[] privateKey() {
            requireOpen();
            return keyPair.privateKey();
        }

        /**
         * Writes the private key to a file, for a tool that needs one (the {@code git} or {@code ssh}
         * binary): {@code rw-------} in a new {@code rwx------} folder under {@code parent}. Close the
         * result to overwrite and delete both.
         *
         * @throws java.io.UncheckedIOException if the files cannot be written (nothing is left behind)
         * @throws UnsupportedOperationException if {@code parent}'s file system has no POSIX permissions
         */
        public TemporaryKeyFile writePrivateKeyFile(Path parent) {
            return TemporaryKeyFile.write(parent, privateKey());
        }

        @Override
        public String toString() {
            return "GitCredentials.SshKey[" + description() + ", " + fingerprint() + ", privateKey=<redacted>]";
        }
    }

    /** A username and password for HTTP Basic authentication. */
    public static final class UsernamePassword extends GitCredentials {
        private final SecretValue.UsernamePassword secret;

        private UsernamePassword(SecretValue.UsernamePassword secret, String description) {
            super(secret, description);
            this.secret = secret;
        }

        /** The username (not secret). */
        public String username() {
            return secret.username();
        }

        /** The password, not a copy. */
        char[] password() {
            requireOpen();
            return secret.password();
        }

        @Override
        public String toString() {
            return "GitCredentials.UsernamePassword[" + description() + ", username=" + username()
                    + ", password=<redacted>]";
        }
    }
}
