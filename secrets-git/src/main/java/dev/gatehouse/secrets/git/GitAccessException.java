package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.SecretType;
import java.util.Objects;

/**
 * Reaching a Git repository with a secret failed. The subclasses are the closed set of reasons,
 * so that a host can map each to a status and a user can act on it. No message ever contains a
 * private key, a password or a URL with credentials: messages name the repository URL (which
 * {@link GitRemote} refuses to carry a password), the host, usernames and public-key fingerprints
 * only. Immutable.
 */
public abstract sealed class GitAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private GitAccessException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server refused the credentials: a key not in {@code authorized_keys}, a wrong password. */
    public static final class AuthenticationFailed extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** @param message says which repository and which key (fingerprint) or username was refused */
        public AuthenticationFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server answered, but has no repository at that path (or hides it from these credentials). */
    public static final class RepositoryNotFound extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** @param message names the repository URL */
        public RepositoryNotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The repository exists but has no branch or tag of the requested name. */
    public static final class RefNotFound extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** @param message names the ref and the repository URL */
        public RefNotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The host could not be reached: unknown name, connection refused, timed out. */
    public static final class HostUnreachable extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** @param message names the host and port and why */
        public HostUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The SSH server's host key was refused: {@link HostKeyUnknown} or {@link HostKeyChanged}.
     * Both name the host as {@code known_hosts} spells it and the fingerprint of the key it offered.
     */
    public abstract static sealed class HostKeyRejected extends GitAccessException {
        private static final long serialVersionUID = 1L;

        private final String host;
        private final String offeredKeyType;
        private final String offeredFingerprint;

        private HostKeyRejected(String message, String host, String offeredKeyType, String offeredFingerprint) {
            super(message, null);
            this.host = Objects.requireNonNull(host, "host");
            this.offeredKeyType = Objects.requireNonNull(offeredKeyType, "offeredKeyType");
            this.offeredFingerprint = Objects.requireNonNull(offeredFingerprint, "offeredFingerprint");
        }

        /** The host as {@code known_hosts} names it: {@code host}, or {@code [host]:port} off port 22. */
        public String host() {
            return host;
        }

        /** The SSH name of the offered key's type, e.g. {@code ssh-ed25519}. */
        public String offeredKeyType() {
            return offeredKeyType;
        }

        /** The offered key's fingerprint as OpenSSH prints it: {@code SHA256:<base64>}. */
        public String offeredFingerprint() {
            return offeredFingerprint;
        }
    }

    /** No known-hosts entry names the host, and trust on first use is off. */
    public static final class HostKeyUnknown extends HostKeyRejected {
        private static final long serialVersionUID = 1L;

        /** A refusal of {@code host}'s key {@code offeredFingerprint} of type {@code offeredKeyType}. */
        public HostKeyUnknown(String host, String offeredKeyType, String offeredFingerprint) {
            super("Host key of " + host + " is not known: the server offered " + offeredKeyType + " "
                    + offeredFingerprint + ". Add the host's key to the known hosts, or enable trust on first use"
                    + " for it.", host, offeredKeyType, offeredFingerprint);
        }
    }

    /**
     * Known-hosts entries name the host, but none has the key it offered (or the offered key is
     * marked {@code @revoked}): the server changed its key, or someone is in the middle.
     */
    public static final class HostKeyChanged extends HostKeyRejected {
        private static final long serialVersionUID = 1L;

        /** A refusal of {@code host}'s key, which differs from {@code knownFingerprints}. */
        public HostKeyChanged(String host, String offeredKeyType, String offeredFingerprint, String knownFingerprints) {
            super("Host key of " + host + " does not match the known one: the server offered " + offeredKeyType + " "
                    + offeredFingerprint + ", the known hosts have " + knownFingerprints
                    + ". Refusing to connect; if the server's key really changed, replace its known-hosts entry.",
                    host, offeredKeyType, offeredFingerprint);
        }
    }

    /** The secret's type does not fit the URL: a password for {@code ssh://}, a key pair for {@code https://}. */
    public static final class SchemeMismatch extends GitAccessException {
        private static final long serialVersionUID = 1L;

        private final SecretType secretType;
        private final GitRemote.Scheme scheme;

        /** A {@code secretType} secret offered for a {@code scheme} remote. */
        public SchemeMismatch(String what, SecretType secretType, GitRemote.Scheme scheme) {
            super(what + " is a " + secretType + " secret, but " + scheme.displayName() + " repository URLs need a "
                    + scheme.secretType() + " secret", null);
            this.secretType = secretType;
            this.scheme = scheme;
        }

        /** The type of the secret that was offered. */
        public SecretType secretType() {
            return secretType;
        }

        /** The scheme of the remote it was offered for. */
        public GitRemote.Scheme scheme() {
            return scheme;
        }
    }

    /**
     * The caller may not read the secret's value: it does not exist, it is not visible to the
     * caller, its project restriction excludes the caller's process, or its store password is
     * wrong. One message for all of them, so that the answer reveals nothing about the secret.
     */
    public static final class SecretNotReadable extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** A refusal to read secret {@code org/name}. */
        public SecretNotReadable(String org, String name, Throwable cause) {
            super("Secret " + org + "/" + name + " cannot be read for this repository: it does not exist, or its"
                    + " visibility, grants or project restriction do not let this caller (or its process) read it",
                    cause);
        }
    }

    /** A repository URL that is not one Gatehouse clones from; the message says why. */
    public static final class InvalidRemote extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** @param message says what is wrong, without repeating a password the URL may carry */
        public InvalidRemote(String message) {
            super(message, null);
        }
    }

    /** Any other failure while cloning: the server broke the protocol, the disk is full, ... */
    public static final class TransferFailed extends GitAccessException {
        private static final long serialVersionUID = 1L;

        /** @param message names the repository and what failed */
        public TransferFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
