package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.SecretType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A repository URL that Gatehouse clones from, parsed and checked: {@code ssh://[user@]host[:port]/path},
 * the scp-like {@code [user@]host:path} (SSH on port 22), {@code https://host[:port]/path} and
 * {@code http://host[:port]/path}. Local paths, {@code file://} and {@code git://} are refused, and
 * so is any user information in an HTTP URL (the username and password come from the secret), so
 * that a URL never carries a credential and may appear in messages. Immutable, thread-safe.
 *
 * @param scheme which transport the URL names
 * @param user the SSH login user from the URL ({@code git} in {@code git@host:repo.git}); always
 *     empty for HTTP
 * @param host the host name or address, without brackets for IPv6
 * @param port the port, the scheme's default when the URL gives none
 * @param path the repository path on the server as the URL gives it
 * @param url the URL as given (trimmed)
 */
public record GitRemote(Scheme scheme, Optional<String> user, String host, int port, String path, String url) {

    /** The transports a remote may use, and the secret type each needs. */
    public enum Scheme {
        /** {@code ssh://} or scp-like {@code user@host:path}: needs a {@link SecretType#KEY_PAIR}. */
        SSH("ssh", 22, SecretType.KEY_PAIR),
        /** {@code https://}: needs a {@link SecretType#USERNAME_PASSWORD}. */
        HTTPS("https", 443, SecretType.USERNAME_PASSWORD),
        /** {@code http://} (the password crosses the network in clear): needs a {@link SecretType#USERNAME_PASSWORD}. */
        HTTP("http", 80, SecretType.USERNAME_PASSWORD);

        private final String displayName;
        private final int defaultPort;
        private final SecretType secretType;

        Scheme(String displayName, int defaultPort, SecretType secretType) {
            this.displayName = displayName;
            this.defaultPort = defaultPort;
            this.secretType = secretType;
        }

        /** {@code ssh}, {@code https} or {@code http}. */
        public String displayName() {
            return displayName;
        }

        /** The port used when the URL names none. */
        public int defaultPort() {
            return defaultPort;
        }

        /** The type of secret that authenticates over this scheme. */
        public SecretType secretType() {
            return secretType;
        }
    }

    private static final int MAX_LENGTH = 2048;
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
    /** {@code [user@]host:path}, where the host has no slash and the path does not start with {@code //}. */
    private static final Pattern SCP_LIKE = Pattern.compile("^(?:([^@/:\\[\\]]+)@)?([^@/:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\]):(?!//)(.+)$");
    private static final Pattern USER = Pattern.compile("^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$");
    private static final Pattern HOST_NAME = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$");

    /**
     * Checks the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public GitRemote {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(url, "url");
    }

    /**
     * Parses {@code url}.
     *
     * @throws GitAccessException.InvalidRemote if it is not one of the accepted forms, carries user
     *     information in an HTTP URL, names no repository path, or contains white space or control
     *     characters; the message never repeats what stood before {@code @}
     */
    public static GitRemote parse(String url) {
        Objects.requireNonNull(url, "url");
        String u = url.strip();
        if (u.isEmpty()) {
            throw new GitAccessException.InvalidRemote("Repository URL is empty");
        }
        if (u.length() > MAX_LENGTH) {
            throw new GitAccessException.InvalidRemote("Repository URL is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new GitAccessException.InvalidRemote("Repository URL contains white space or control characters");
            }
        }
        Matcher scheme = SCHEME.matcher(u);
        if (scheme.find()) {
            return parseUri(u, scheme.group(1).toLowerCase(Locale.ROOT));
        }
        Matcher scp = SCP_LIKE.matcher(u);
        if (scp.matches()) {
            String host = scp.group(2);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            return ssh(Optional.ofNullable(scp.group(1)), host, Scheme.SSH.defaultPort(), scp.group(3), u);
        }
        throw new GitAccessException.InvalidRemote("Unsupported repository URL: local paths are refused; use"
                + " ssh://user@host/path, user@host:path, https://host/path or http://host/path");
    }

    private static GitRemote parseUri(String u, String schemeName) {
        Scheme scheme = switch (schemeName) {
            case "ssh" -> Scheme.SSH;
            case "https" -> Scheme.HTTPS;
            case "http" -> Scheme.HTTP;
            default -> throw new GitAccessException.InvalidRemote("Unsupported repository URL scheme '" + schemeName
                    + "': use ssh://, user@host:path, https:// or http://");
        };
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new GitAccessException.InvalidRemote("Repository URL is not a valid " + schemeName + ":// URL");
        }
        String rawUserInfo = uri.getRawUserInfo();
        if (rawUserInfo != null && rawUserInfo.contains(":")) {
            throw new GitAccessException.InvalidRemote("Repository URL must not contain a password: keep credentials"
                    + " in a secret");
        }
        if (scheme != Scheme.SSH && rawUserInfo != null) {
            throw new GitAccessException.InvalidRemote("Repository URL must not contain a username: for "
                    + schemeName + ":// the username comes from the secret");
        }
        if (uri.getHost() == null) {
            throw new GitAccessException.InvalidRemote("Repository URL names no host");
        }
        if (uri.getRawFragment() != null || (scheme == Scheme.SSH && uri.getRawQuery() != null)) {
            throw new GitAccessException.InvalidRemote("Repository URL must not have a query or fragment");
        }
        int port = uri.getPort() < 0 ? scheme.defaultPort() : uri.getPort();
        String path = uri.getPath();
        String host = uri.getHost();
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (scheme == Scheme.SSH) {
            return ssh(Optional.ofNullable(uri.getUserInfo()), host, port, path, u);
        }
        checkHost(host);
        checkPath(path);
        return new GitRemote(scheme, Optional.empty(), host, port, path, u);
    }

    private static GitRemote ssh(Optional<String> user, String host, int port, String path, String url) {
        if (user.isPresent() && !USER.matcher(user.get()).matches()) {
            throw new GitAccessException.InvalidRemote("Repository URL has an invalid SSH user name");
        }
        checkHost(host);
        checkPath(path);
        return new GitRemote(Scheme.SSH, user, host, port, path, url);
    }

    private static void checkHost(String host) {
        boolean ipv6 = host.contains(":");
        if (host.isEmpty() || host.startsWith("-") || (!ipv6 && !HOST_NAME.matcher(host).matches())) {
            throw new GitAccessException.InvalidRemote("Repository URL has an invalid host name");
        }
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.equals("/") || path.startsWith("-")) {
            throw new GitAccessException.InvalidRemote("Repository URL names no repository path");
        }
    }

    /** Whether this remote uses SSH. */
    public boolean isSsh() {
        return scheme == Scheme.SSH;
    }

    /** The type of secret that authenticates to this remote. */
    public SecretType secretType() {
        return scheme.secretType();
    }

    /**
     * The host as the first field of a {@code known_hosts} line names it: {@code host} on port 22,
     * {@code [host]:port} otherwise.
     */
    public String knownHostsName() {
        return port == Scheme.SSH.defaultPort() ? host : "[" + host + "]:" + port;
    }

    /** The URL; it carries no credential. */
    @Override
    public String toString() {
        return url;
    }
}
