package dev.gatehouse.secrets.git.internal;

import dev.gatehouse.secrets.git.GitAccessException;
import dev.gatehouse.secrets.git.GitRemote;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;

/**
 * Turns what JGit and MINA SSHD throw into a {@link GitAccessException} whose message says what
 * went wrong in the user's terms. Messages are built here from the remote's URL (which carries no
 * credential) and fixed text, never copied from a server's reply. Stateless, thread-safe.
 */
final class Failures {

    private Failures() {}

    static GitAccessException classify(Exception e, JGitCloner.Request request,
            Optional<GitAccessException.HostKeyRejected> hostKeyRefusal, String credentialDescription) {
        if (hostKeyRefusal.isPresent()) {
            return hostKeyRefusal.get();
        }
        GitRemote remote = request.remote();
        String where = remote.host() + ":" + remote.port();
        String texts = messages(e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new GitAccessException.HostUnreachable("Cannot reach " + where + ": unknown host", e);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new GitAccessException.HostUnreachable("Cannot reach " + where + ": connection refused", e);
            }
            if (t instanceof SocketTimeoutException) {
                return noAnswer(request, e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoRemoteRepositoryException || t instanceof InvalidRemoteException) {
                return notFound(remote, e);
            }
        }
        if (texts.contains("not authorized") || texts.contains("authentication is required")
                || texts.contains("no more authentication methods") || texts.contains("cannot log in")
                || texts.contains("auth fail") || texts.contains("authentication failed")) {
            return new GitAccessException.AuthenticationFailed("Authentication to " + remote + " failed: the server"
                    + " refused " + credentialDescription, e);
        }
        if (texts.contains("remote branch") && texts.contains("not found")) {
            return new GitAccessException.RefNotFound("Branch or tag '" + request.ref().orElse("HEAD")
                    + "' not found in " + remote, e);
        }
        if (texts.contains("not found") || texts.contains("does not appear to be a git repository")
                || texts.contains("repository not found")) {
            return notFound(remote, e);
        }
        if (texts.contains("timeout") || texts.contains("timed out")) {
            return new GitAccessException.HostUnreachable("Cannot reach " + where + ": timed out", e);
        }
        return new GitAccessException.TransferFailed("Cloning " + remote + " failed (" + e.getClass().getSimpleName()
                + ")", e);
    }

    /** The server did not answer within the request's timeout. */
    static GitAccessException noAnswer(JGitCloner.Request request, Exception e) {
        return new GitAccessException.HostUnreachable("Cannot reach " + request.remote().host() + ":"
                + request.remote().port() + ": no answer within " + request.timeout().toSeconds() + " s", e);
    }

    private static GitAccessException notFound(GitRemote remote, Exception e) {
        return new GitAccessException.RepositoryNotFound("Repository not found: " + remote
                + " (no repository at that path, or these credentials may not see it)", e);
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                b.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        return b.toString();
    }
}
