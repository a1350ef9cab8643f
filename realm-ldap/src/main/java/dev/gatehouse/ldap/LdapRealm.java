package dev.gatehouse.ldap;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UsernamePassword;
import dev.gatehouse.ldap.internal.Directory;
import dev.gatehouse.ldap.internal.LdapConfig;
import dev.gatehouse.ldap.internal.LoginVerifier;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Username and password authentication against LDAP or Active Directory (realm type
 * {@code ldap}). Reads HTTP Basic credentials; accepts the login forms {@code user},
 * {@code user@domain} and <code>DOMAIN&#92;user</code>; finds the user's entry with a pooled service-account
 * search (arguments escaped by RFC 4515), checks the password with a bind as that entry, maps the
 * user's groups to roles and signs the user in through {@link dev.gatehouse.core.Accounts},
 * creating the user record on first login.
 *
 * <p>Answers: {@link AuthenticationResult.Authenticated}; {@link AuthenticationResult.Rejected} for
 * a wrong password, an unknown or ambiguous user, an empty or blank password (refused before any
 * server is asked, RFC 4513 section 5.1.2) and a disabled user record;
 * {@link AuthenticationResult.Unavailable} (a 503) when no directory server answers, recovering by
 * itself once one does. Successful logins are remembered for {@code cacheDuration} as a salted
 * digest of the password, and identical logins in flight at once share one directory check. See
 * the module's README for every setting.
 *
 * <p>Thread-safe. Holds two connection pools: {@link #close()} it when the host shuts down.
 */
public final class LdapRealm implements Realm, AutoCloseable {

    private final LdapConfig config;
    private final Directory directory;
    private final LoginVerifier verifier;
    private final List<String> challenges;

    private LdapRealm(LdapConfig config, RealmContext context) {
        this.config = config;
        this.directory = new Directory(config);
        this.verifier = new LoginVerifier(config, directory, context);
        this.challenges = List.of("Basic realm=\"" + config.realmName + "\", charset=\"UTF-8\"");
    }

    /**
     * Builds the realm from its settings. Does not need the directory to be up: connections are
     * opened on first use and re-opened after an outage.
     *
     * @throws ConfigurationException naming the key of a missing or wrong setting
     */
    public static LdapRealm create(RealmSettings settings, RealmContext context) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        LdapConfig config = LdapConfig.read(settings);
        try {
            return new LdapRealm(config, context);
        } catch (IllegalStateException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return config.realmName;
    }

    /** HTTP Basic credentials, if the request carries them; anything else is not this realm's. */
    @Override
    public Optional<Credentials> credentials(RequestView request) {
        AuthorizationHeader authorization = request.authorization();
        if (authorization instanceof AuthorizationHeader.Basic basic) {
            return Optional.of(basic.credentials());
        }
        return Optional.empty();
    }

    /**
     * Verifies a {@link UsernamePassword}; other credentials are {@link AuthenticationResult.NotMine}.
     * Never throws for a wrong password or an unreachable directory, and never wipes or keeps the
     * password (the engine wipes it).
     */
    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof UsernamePassword up)) {
            return AuthenticationResult.NotMine.instance();
        }
        return verifier.verify(up.name(), up.password());
    }

    /** {@code Basic realm="<name>", charset="UTF-8"} (RFC 7617). */
    @Override
    public List<String> challenges() {
        return challenges;
    }

    /** Closes the connection pools. Idempotent. */
    @Override
    public void close() {
        directory.close();
    }

    @Override
    public String toString() {
        return "LdapRealm[" + config + "]";
    }
}
