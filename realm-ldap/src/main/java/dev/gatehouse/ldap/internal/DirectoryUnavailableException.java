package dev.gatehouse.ldap.internal;

/**
 * The directory did not answer: every server refused the connection, timed out, or went away.
 * Becomes a 503, never a 401. The message is safe to log: it names servers, never credentials.
 */
public final class DirectoryUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
