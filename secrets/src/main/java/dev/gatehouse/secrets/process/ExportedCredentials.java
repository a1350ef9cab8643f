package dev.gatehouse.secrets.process;

/**
 * A username and password exported by {@link CryptoTask#exportCredentials} for use in a flow
 * ({@code ${crypto.exportCredentials('acme', 'git', null).password}}). {@code toString()} redacts. Immutable.
 *
 * @param username the username
 * @param password the password
 */
public record ExportedCredentials(String username, String password) {

    @Override
    public String toString() {
        return "ExportedCredentials[username=" + username + ", password=<redacted>]";
    }
}
