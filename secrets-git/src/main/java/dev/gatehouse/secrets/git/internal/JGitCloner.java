package dev.gatehouse.secrets.git.internal;

import dev.gatehouse.secrets.git.GitAccessException;
import dev.gatehouse.secrets.git.GitRemote;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.HttpTransport;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Clones with JGit: over SSH through a per-clone MINA SSHD session factory that knows one key pair
 * (in memory), reads no {@code ~/.ssh} file (no config, no default identities, no known_hosts, no
 * agent, no proxy) and checks host keys with a {@link HostKeyCheck}; over HTTP(S) with a
 * credentials provider that answers for the remote's own host only. Stateless, thread-safe.
 */
public final class JGitCloner {

    /** Never created: JGit wants a home and an SSH folder even when it reads nothing from them. */
    private static final File NO_SSH_HOME = new File("/nonexistent/gatehouse-no-ssh-home");

    /**
     * What to clone.
     *
     * @param remote the repository
     * @param ref the branch or tag to check out (short or full name); empty for the remote's HEAD
     * @param depth the number of commits to fetch, 0 for the whole history
     * @param timeout the connect and read timeout
     * @param hostKeys the host-key check for SSH
     * @param directory where to clone; must not exist or be empty
     */
    public record Request(GitRemote remote, Optional<String> ref, int depth, Duration timeout, HostKeyCheck hostKeys,
            Path directory) {
        /** @throws NullPointerException if an argument is null */
        public Request {
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(hostKeys, "hostKeys");
            Objects.requireNonNull(directory, "directory");
        }
    }

    /**
     * What was cloned.
     *
     * @param ref the full name of the checked-out ref ({@code refs/heads/main}), or the commit id if detached
     * @param commitId the checked-out commit
     */
    public record Result(String ref, String commitId) {}

    private JGitCloner() {}

    /**
     * Clones over SSH with a key pair.
     *
     * @param privateKey the OpenSSH private key; read, not kept, not wiped (the caller owns it)
     * @param keyDescription names the key in an authentication failure, e.g. "the key pair of secret acme/k (SHA256:...)"
     */
    public static Result cloneWithKey(Request request, byte[] privateKey, String keyDescription) {
        KeyPair keyPair;
        try {
            keyPair = PrivateKeys.parse(privateKey);
        } catch (IllegalArgumentException e) {
            throw new GitAccessException.AuthenticationFailed("Cannot authenticate to " + request.remote() + " with "
                    + keyDescription + ": " + e.getMessage(), null);
        }
        CheckedServerKeys serverKeys = new CheckedServerKeys(request.remote(), request.hostKeys());
        SshdSessionFactory sessions = new SshdSessionFactoryBuilder()
                .setHomeDirectory(NO_SSH_HOME)
                .setSshDirectory(NO_SSH_HOME)
                .setConfigStoreFactory((home, configFile, localUser) -> null)
                .setDefaultKnownHostsFiles(sshDir -> List.of())
                .setDefaultIdentities(sshDir -> List.of())
                .setDefaultKeysProvider(sshDir -> List.of(keyPair))
                .setServerKeyDatabase((home, sshDir) -> serverKeys)
                .setPreferredAuthentications("publickey")
                .setConnectorFactory(null)
                .setProxyDataFactory(address -> null)
                .build(null);
        HandshakeDeadline deadline = new HandshakeDeadline(request.timeout(), serverKeys::keyOffered);
        try {
            return run(request, transport -> {
                if (!(transport instanceof SshTransport ssh)) {
                    throw new IllegalStateException("an SSH remote got a " + transport.getClass().getSimpleName());
                }
                ssh.setSshSessionFactory(sessions);
            }, Optional.empty(), serverKeys, keyDescription, deadline::fired);
        } finally {
            deadline.close();
            sessions.close();
        }
    }

    /**
     * Clones over HTTP(S) with Basic authentication.
     *
     * @param password read, not kept, not wiped (the caller owns it; JGit gets a copy that is wiped here)
     * @param credentialDescription names the credentials in an authentication failure
     */
    public static Result cloneWithPassword(Request request, String username, char[] password,
            String credentialDescription) {
        char[] copy = Arrays.copyOf(password, password.length);
        try {
            OwnHostCredentials credentials = new OwnHostCredentials(request.remote(), username, copy);
            return run(request, transport -> {
                if (!(transport instanceof HttpTransport)) {
                    throw new IllegalStateException("an HTTP remote got a " + transport.getClass().getSimpleName());
                }
            }, Optional.of(credentials), null, credentialDescription, () -> false);
        } finally {
            Arrays.fill(copy, '\0');
        }
    }

    private interface TransportSetup {
        void configure(Transport transport);
    }

    private static Result run(Request request, TransportSetup setup, Optional<CredentialsProvider> credentials,
            CheckedServerKeys serverKeys, String credentialDescription, BooleanSupplier timedOut) {
        GitRemote remote = request.remote();
        checkJGitAgrees(remote);
        CloneCommand clone = Git.cloneRepository()
                .setURI(remote.url())
                .setDirectory(request.directory().toFile())
                .setRemote(Constants.DEFAULT_REMOTE_NAME)
                .setCloneSubmodules(false)
                .setProgressMonitor(NullProgressMonitor.INSTANCE)
                .setTimeout((int) Math.max(1, request.timeout().toSeconds()))
                .setTransportConfigCallback(setup::configure);
        credentials.ifPresent(clone::setCredentialsProvider);
        if (request.depth() > 0) {
            clone.setDepth(request.depth());
        }
        request.ref().ifPresent(clone::setBranch);
        try (Git git = clone.call()) {
            Repository repo = git.getRepository();
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head == null) {
                throw new GitAccessException.RefNotFound("Repository " + remote + " has no commit to check out"
                        + request.ref().map(r -> " on '" + r + "'").orElse(""), null);
            }
            String full = repo.getFullBranch();
            return new Result(full == null ? head.name() : full, head.name());
        } catch (GitAPIException | RuntimeException e) {
            if (e instanceof GitAccessException g) {
                throw g;
            }
            if (timedOut.getAsBoolean()) {
                throw Failures.noAnswer(request, e);
            }
            throw Failures.classify(e, request, Optional.ofNullable(serverKeys).flatMap(CheckedServerKeys::refusal),
                    credentialDescription);
        } catch (IOException e) {
            throw new GitAccessException.TransferFailed("Cloning " + remote + " failed: cannot read the clone ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Refuses a URL that JGit would read differently from {@link GitRemote} (another host, port or user). */
    static void checkJGitAgrees(GitRemote remote) {
        URIish uri;
        try {
            uri = new URIish(remote.url());
        } catch (URISyntaxException e) {
            throw new GitAccessException.InvalidRemote("Repository URL is not one the Git client can read");
        }
        int port = uri.getPort() < 0 ? remote.scheme().defaultPort() : uri.getPort();
        String host = uri.getHost() == null ? "" : uri.getHost().replaceAll("^\\[(.*)]$", "$1");
        boolean same = remote.host().equalsIgnoreCase(host) && port == remote.port()
                && Objects.equals(remote.user().orElse(null), uri.getUser())
                && uri.getPass() == null;
        if (!same) {
            throw new GitAccessException.InvalidRemote("Repository URL is ambiguous: the Git client reads another host,"
                    + " port or user from it than Gatehouse does");
        }
    }

    /**
     * Answers with the username and password for the remote's own scheme, host and port only, so that
     * a redirect to another host (or from https to http) never receives the password.
     */
    private static final class OwnHostCredentials extends CredentialsProvider {
        private final GitRemote remote;
        private final String username;
        private final char[] password;

        OwnHostCredentials(GitRemote remote, String username, char[] password) {
            this.remote = remote;
            this.username = username;
            this.password = password;
        }

        @Override
        public boolean isInteractive() {
            return false;
        }

        @Override
        public boolean supports(CredentialItem... items) {
            for (CredentialItem item : items) {
                if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean get(URIish uri, CredentialItem... items) {
            int port = uri.getPort() < 0 ? remote.scheme().defaultPort() : uri.getPort();
            if (!remote.scheme().displayName().equalsIgnoreCase(uri.getScheme())
                    || !remote.host().equalsIgnoreCase(uri.getHost()) || port != remote.port()) {
                return false;
            }
            for (CredentialItem item : items) {
                if (item instanceof CredentialItem.Username u) {
                    u.setValue(username);
                } else if (item instanceof CredentialItem.Password p) {
                    p.setValue(password); // copies
                } else {
                    return false;
                }
            }
            return true;
        }
    }
}
