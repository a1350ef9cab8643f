package dev.gatehouse.secrets.git.internal;

import dev.gatehouse.secrets.git.GitAccessException;
import dev.gatehouse.secrets.git.GitRemote;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * JGit's server-key database for one clone: asks the {@link HostKeyCheck} about the remote's host
 * and keeps the refusal, so that the clone's failure can name the host and the offered key instead
 * of JGit's generic message. Reads no file and asks no user. Thread-safe.
 */
final class CheckedServerKeys implements ServerKeyDatabase {

    private final GitRemote remote;
    private final HostKeyCheck check;
    private final AtomicReference<GitAccessException.HostKeyRejected> refusal = new AtomicReference<>();
    private volatile boolean offered;

    CheckedServerKeys(GitRemote remote, HostKeyCheck check) {
        this.remote = remote;
        this.check = check;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        return check.keysFor(remote.host(), remote.port());
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
            Configuration config, CredentialsProvider provider) {
        offered = true;
        Optional<GitAccessException.HostKeyRejected> refused =
                check.verify(remote.host(), remote.port(), remote.knownHostsName(), serverKey);
        refused.ifPresent(r -> refusal.compareAndSet(null, r));
        return refused.isEmpty();
    }

    /** Whether the server has offered its host key: it is there and speaks SSH. */
    boolean keyOffered() {
        return offered;
    }

    /** Why the server's key was refused, if it was. */
    Optional<GitAccessException.HostKeyRejected> refusal() {
        return Optional.ofNullable(refusal.get());
    }
}
