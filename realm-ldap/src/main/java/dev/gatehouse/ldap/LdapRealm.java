package dev.gatehouse.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UsernamePassword;
import dev.gatehouse.ldap.internal.Directory;
import dev.gatehouse.ldap.internal.DirectorySync;
import dev.gatehouse.ldap.internal.FilterTemplate;
import dev.gatehouse.ldap.internal.LdapConfig;
import dev.gatehouse.ldap.internal.LoginVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Username and password authentication against LDAP or Active Directory (realm type
 * {@value #TYPE}). Reads HTTP Basic credentials; accepts the login forms {@code user},
 * {@code user@domain} and <code>DOMAIN&#92;user</code>; finds the user's entry with a pooled service-account
 * search (arguments escaped by RFC 4515), checks the password with a bind as that entry, maps the
 * user's groups to roles and signs the user in through {@link Accounts}, creating the user record
 * on first login.
 *
 * <p>Answers: {@link AuthenticationResult.Authenticated}; {@link AuthenticationResult.Rejected} for
 * a wrong password, an unknown or ambiguous user, an empty or blank password (refused before any
 * server is asked, RFC 4513 section 5.1.2) and a disabled user record;
 * {@link AuthenticationResult.Unavailable} (a 503) when no directory server answers, or when the
 * user directory behind {@link Accounts} does not, recovering by itself once they do. Successful
 * logins are remembered for {@link Builder#cacheDuration(Duration)} as a salted digest of the
 * password, and identical logins in flight at once share one directory check.
 *
 * <p>Build one with {@link #builder(String, Accounts)}, or configure realm type {@value #TYPE}
 * with {@code realm.<name>.*} keys named as the builder's methods (see the module's README) and
 * find it with {@code Gatehouse.realm(LdapRealm.class)}.
 *
 * <p>Thread-safe. Holds two connection pools: {@link #close()} it when the host shuts down.
 */
public final class LdapRealm implements Realm, AutoCloseable {

    /** The realm type configuration refers to. */
    public static final String TYPE = "ldap";

    /** How the realm checks a password once it found the user's entry. */
    public enum BindWith {
        /** A simple bind as the entry's DN (the default). */
        DN,
        /** A simple bind as the entry's {@link Builder#userPrincipalNameProperty(String)} value (Active Directory). */
        USER_PRINCIPAL_NAME
    }

    private final LdapConfig config;
    private final Directory directory;
    private final LoginVerifier verifier;
    private final List<String> challenges;
    private final LdapSynchronizer synchronizer;

    private LdapRealm(LdapConfig config, Directory directory, Accounts accounts, Optional<Filter> syncDisabledFilter,
            Optional<Duration> syncInterval) {
        this.config = config;
        this.directory = directory;
        this.verifier = new LoginVerifier(config, directory, accounts);
        this.challenges = List.of("Basic realm=\"" + config.realmName() + "\", charset=\"UTF-8\"");
        this.synchronizer = new LdapSynchronizer(new DirectorySync(config, directory, accounts, syncDisabledFilter),
                config.realmName());
        syncInterval.ifPresent(synchronizer::start);
    }

    /**
     * The synchroniser that disables the realm's users who left or were disabled in the directory
     * and refreshes their directory roles: run it from the host's scheduler, or set
     * {@link Builder#syncInterval(Duration)} ({@code sync.interval}).
     */
    public LdapSynchronizer synchronizer() {
        return synchronizer;
    }

    /**
     * Starts a realm named {@code name} that signs users in through {@code accounts}. At least
     * {@link Builder#url(String...)} and {@link Builder#searchBase(String)} must be set.
     *
     * @param name the realm's name, used in identities, logs and the Basic challenge
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String name, Accounts accounts) {
        return new Builder(name, accounts);
    }

    @Override
    public String name() {
        return config.realmName();
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

    /** Closes the connection pools and stops the directory-check threads. Idempotent. */
    @Override
    public void close() {
        synchronizer.close();
        verifier.close();
        directory.close();
    }

    /** For tests in this module: the verifier and its cache. */
    LoginVerifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "LdapRealm[" + config + "]";
    }

    /**
     * Builds an {@link LdapRealm}. Every setter checks its argument at once and throws an
     * {@link IllegalArgumentException} whose message starts with the setting's name (the same as
     * the {@code realm.<name>.<key>} key), e.g. {@code url must be ldap:// or ldaps://, was
     * 'http://dc1'}; {@link #build()} checks the settings that depend on each other. Passwords
     * given to it are copied; the caller may wipe its arrays afterwards. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private final Accounts accounts;
        private List<LDAPURL> urls = List.of();
        private boolean ldaps;
        private String searchBase;
        private FilterTemplate principalSearchFilter = FilterTemplate.parse(LdapConfig.DEFAULT_PRINCIPAL_FILTER, 3);
        private Optional<String> usernameProperty = Optional.empty();
        private Optional<String> userPrincipalNameProperty = Optional.empty();
        private String mailProperty = "mail";
        private String displayNameProperty = "displayName";
        private Optional<FilterTemplate> groupSearchFilter = Optional.empty();
        private Optional<String> groupSearchBase = Optional.empty();
        private String groupNameProperty = "cn";
        private boolean nestedGroups;
        private Optional<String> systemUsername = Optional.empty();
        private char[] systemPassword = new char[0];
        private boolean autoCreateUsers = true;
        private Duration cacheDuration = Duration.ofMinutes(1);
        private int cacheMaxEntries = 10_000;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private int poolSize = 8;
        private int maxConcurrentLogins; // 0: twice the pool size
        private Duration retryAfter = Duration.ofSeconds(30);
        private Set<String> exposeAttributes = Set.of();
        private Set<String> excludeAttributes = Set.of();
        private final Map<String, Set<String>> roleMapping = new LinkedHashMap<>();
        private boolean startTls;
        private Optional<Path> trustStore = Optional.empty();
        private char[] trustStorePassword = new char[0];
        private String trustStoreType = "PKCS12";
        private boolean verifyHostname = true;
        private BindWith bindWith = BindWith.DN;
        private Optional<String> simulatedBindDn = Optional.empty();
        private Clock clock = Clock.systemUTC();
        private Optional<Duration> syncInterval = Optional.empty();
        private Optional<Filter> syncDisabledFilter = Optional.empty();

        private Builder(String name, Accounts accounts) {
            this.name = Objects.requireNonNull(name, "name");
            this.accounts = Objects.requireNonNull(accounts, "accounts");
        }

        /**
         * The servers, tried in this order (failover), e.g. {@code ldap://dc1.example.com:389}: all
         * {@code ldap://} or all {@code ldaps://}. Required.
         */
        public Builder url(String... urls) {
            return url(Arrays.asList(Objects.requireNonNull(urls, "urls")));
        }

        /** As {@link #url(String...)}. */
        public Builder url(List<String> urls) {
            if (urls == null || urls.isEmpty()) {
                throw new IllegalArgumentException("url must name at least one server (e.g. ldap://dc1.example.com:389)");
            }
            List<LDAPURL> parsed = new ArrayList<>();
            Set<String> schemes = new LinkedHashSet<>();
            for (String u : urls) {
                if (u == null || !(u.regionMatches(true, 0, "ldap://", 0, 7) || u.regionMatches(true, 0, "ldaps://", 0, 8))) {
                    throw new IllegalArgumentException("url must be ldap:// or ldaps://, was '" + u + "'");
                }
                LDAPURL url;
                try {
                    url = new LDAPURL(u);
                } catch (LDAPException e) {
                    throw new IllegalArgumentException("url '" + u + "' is not an LDAP URL: " + e.getMessage(), e);
                }
                if (!url.hostProvided()) {
                    throw new IllegalArgumentException("url '" + u + "' names no host");
                }
                schemes.add(url.getScheme().toLowerCase(Locale.ROOT));
                parsed.add(url);
            }
            if (schemes.size() > 1) {
                throw new IllegalArgumentException("url mixes " + String.join(" and ", schemes)
                        + "; use one scheme for every server");
            }
            this.urls = List.copyOf(parsed);
            this.ldaps = schemes.contains("ldaps");
            return this;
        }

        /** Where users are searched (subtree), e.g. {@code DC=corp,DC=example,DC=com}. Required. */
        public Builder searchBase(String dn) {
            this.searchBase = dn("searchBase", dn);
            return this;
        }

        /**
         * The filter that finds the user; default {@code (cn={0})}. {@code {0}} is the login as
         * typed, {@code {1}} its user part, {@code {2}} its domain part (empty if none); every
         * argument is escaped by RFC 4515 before it is put in.
         */
        public Builder principalSearchFilter(String template) {
            this.principalSearchFilter = template("principalSearchFilter", template, 3);
            return this;
        }

        /** The attribute whose value becomes the Gatehouse username ({@code sAMAccountName}, {@code uid}). */
        public Builder usernameProperty(String attribute) {
            this.usernameProperty = Optional.of(attribute("usernameProperty", attribute));
            return this;
        }

        /** The attribute holding {@code user@domain} ({@code userPrincipalName}); its domain becomes the user's. */
        public Builder userPrincipalNameProperty(String attribute) {
            this.userPrincipalNameProperty = Optional.of(attribute("userPrincipalNameProperty", attribute));
            return this;
        }

        /** The attribute copied to the email; default {@code mail}. */
        public Builder mailProperty(String attribute) {
            this.mailProperty = attribute("mailProperty", attribute);
            return this;
        }

        /** The attribute copied to the display name; default {@code displayName}. */
        public Builder displayNameProperty(String attribute) {
            this.displayNameProperty = attribute("displayNameProperty", attribute);
            return this;
        }

        /**
         * The filter that finds the user's groups ({@code {0}} = the user's DN, {@code {1}} = the
         * login's user part); default none: the entry's {@code memberOf} values are the groups.
         */
        public Builder groupSearchFilter(String template) {
            this.groupSearchFilter = Optional.of(template("groupSearchFilter", template, 2));
            return this;
        }

        /** Where groups are searched; default the {@link #searchBase(String)}. */
        public Builder groupSearchBase(String dn) {
            this.groupSearchBase = Optional.of(dn("groupSearchBase", dn));
            return this;
        }

        /** The attribute naming a group found by the group search; default {@code cn}. */
        public Builder groupNameProperty(String attribute) {
            this.groupNameProperty = attribute("groupNameProperty", attribute);
            return this;
        }

        /**
         * Active Directory only: resolve nested groups with LDAP_MATCHING_RULE_IN_CHAIN; default
         * false. Needs a {@link #groupSearchFilter(String)} with that rule, or none (then
         * {@code (&(objectClass=group)(member:1.2.840.113556.1.4.1941:={0}))} is used).
         */
        public Builder nestedGroups(boolean nested) {
            this.nestedGroups = nested;
            return this;
        }

        /**
         * Grants {@code roles} to members of {@code group}, given by name (case-insensitive) or by
         * DN. Calling it again for the same group replaces its roles. Unmapped groups grant nothing.
         */
        public Builder roleMapping(String group, Collection<String> roles) {
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("roleMapping needs a group name or DN, was '" + group + "'");
            }
            Set<String> mapped = new LinkedHashSet<>();
            if (roles != null) {
                for (String r : roles) {
                    if (r != null && !r.isBlank()) {
                        mapped.add(r.strip());
                    }
                }
            }
            if (mapped.isEmpty()) {
                throw new IllegalArgumentException("roleMapping." + group + " names no role");
            }
            roleMapping.put(LdapConfig.groupKey(group), Set.copyOf(mapped));
            return this;
        }

        /** The DN (or, for Active Directory, UPN) of the service account that searches; default anonymous. */
        public Builder systemUsername(String username) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("systemUsername must not be blank");
            }
            this.systemUsername = Optional.of(username.strip());
            return this;
        }

        /** The service account's password, copied. Set with {@link #systemUsername(String)}, or neither. */
        public Builder systemPassword(char[] password) {
            if (password == null || password.length == 0) {
                throw new IllegalArgumentException("systemPassword must not be empty");
            }
            Arrays.fill(this.systemPassword, '\0');
            this.systemPassword = password.clone();
            return this;
        }

        /** How the password is checked; default {@link BindWith#DN}. */
        public Builder bindWith(BindWith bindWith) {
            this.bindWith = Objects.requireNonNull(bindWith, "bindWith");
            return this;
        }

        /**
         * The existing entry that a login naming no user (unknown, ambiguous, or without a UPN to
         * bind with) binds as, with the presented password, so that it does the same directory
         * work as a wrong password; the answer is ignored. Default: the
         * {@link #searchBase(String)} entry, which exists and carries no password. Best: a decoy
         * entry made for it, with an unguessable password hashed like the users' and no lockout
         * policy, so that the directory checks a password hash for it too; never a real user or
         * the service account, whose lockout counters the binds would raise.
         */
        public Builder simulatedBindDn(String dn) {
            this.simulatedBindDn = Optional.of(dn("simulatedBindDn", dn));
            return this;
        }

        /** Whether the user record is created on first login; default true. */
        public Builder autoCreateUsers(boolean autoCreate) {
            this.autoCreateUsers = autoCreate;
            return this;
        }

        /**
         * How long a successful login is remembered (a salted digest of the password, never the
         * password); default 1 minute. Zero turns the cache off. Also the bound on how long a
         * change in the directory (password, account disabled, groups) may go unnoticed.
         */
        public Builder cacheDuration(Duration duration) {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("cacheDuration must be zero or positive, was " + duration);
            }
            this.cacheDuration = duration;
            return this;
        }

        /**
         * The most logins remembered at once; default 10000. When a new login needs room, one entry
         * goes: the one least likely to be used again (Caffeine's W-TinyLFU, by recency and
         * frequency of use), never the whole cache.
         */
        public Builder cacheMaxEntries(int max) {
            if (max < 1 || max > 10_000_000) {
                throw new IllegalArgumentException("cacheMaxEntries must be between 1 and 10000000, was " + max);
            }
            this.cacheMaxEntries = max;
            return this;
        }

        /**
         * How long connecting to one server may take before the next is tried; default 5 s. A
         * login's whole wait is still bounded by {@link #readTimeout(Duration)}.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout("connectTimeout", timeout);
            return this;
        }

        /**
         * The longest a login waits for the directory, in total: waiting for a pooled connection,
         * connecting, the search, the bind, the group search and a retry on a fresh connection
         * all share it; then the login is answered {@link AuthenticationResult.Unavailable}.
         * Default 10 s.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout("readTimeout", timeout);
            return this;
        }

        /** Connections per pool (one pool searches, one binds); default 8. The pools never grow past it. */
        public Builder poolSize(int size) {
            if (size < 1 || size > 1000) {
                throw new IllegalArgumentException("poolSize must be between 1 and 1000, was " + size);
            }
            this.poolSize = size;
            return this;
        }

        /**
         * At most this many logins wait on the directory at once (cache misses: searches and
         * binds, and identical logins waiting for one in flight); a login beyond the bound is
         * answered {@link AuthenticationResult.Unavailable} (503) at once instead of taking another
         * request thread. Cache hits never count and never wait. Default twice the
         * {@link #poolSize(int)}, since a login uses a connection of each pool in turn.
         */
        public Builder maxConcurrentLogins(int max) {
            if (max < 1 || max > 100_000) {
                throw new IllegalArgumentException("maxConcurrentLogins must be between 1 and 100000, was " + max);
            }
            this.maxConcurrentLogins = max;
            return this;
        }

        /** The {@code Retry-After} of a 503 while the directory is down; default 30 s. */
        public Builder retryAfter(Duration retryAfter) {
            if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
                throw new IllegalArgumentException("retryAfter must be positive, was " + retryAfter);
            }
            this.retryAfter = retryAfter;
            return this;
        }

        /**
         * Attributes copied into the identity (case-insensitive); {@code *} = all of the entry's
         * user attributes. Password and key material and binary values are never copied.
         */
        public Builder exposeAttributes(Collection<String> attributes) {
            this.exposeAttributes = lowerSet("exposeAttributes", attributes);
            return this;
        }

        /** Attributes never copied into the identity (case-insensitive). */
        public Builder excludeAttributes(Collection<String> attributes) {
            this.excludeAttributes = lowerSet("excludeAttributes", attributes);
            return this;
        }

        /** Upgrade {@code ldap://} connections with StartTLS (RFC 4511 section 4.14); default false. */
        public Builder startTls(boolean startTls) {
            this.startTls = startTls;
            return this;
        }

        /** A trust store with the CA of the servers' certificates; default the JVM's. Must be readable. */
        public Builder trustStore(Path path) {
            if (path == null || !Files.isReadable(path)) {
                throw new IllegalArgumentException("trustStore cannot read "
                        + (path == null ? "null" : path.toAbsolutePath().toString()));
            }
            this.trustStore = Optional.of(path);
            return this;
        }

        /** The trust store's password, copied; default none. */
        public Builder trustStorePassword(char[] password) {
            Arrays.fill(this.trustStorePassword, '\0');
            this.trustStorePassword = Objects.requireNonNull(password, "trustStorePassword").clone();
            return this;
        }

        /** The trust store's type, {@code PKCS12} (the default) or {@code JKS}. */
        public Builder trustStoreType(String type) {
            try {
                KeyStore.getInstance(Objects.requireNonNull(type, "trustStoreType"));
            } catch (KeyStoreException e) {
                throw new IllegalArgumentException("trustStoreType '" + type + "' is not a key store type of this JVM"
                        + " (use PKCS12 or JKS)", e);
            }
            this.trustStoreType = type;
            return this;
        }

        /** Whether the server certificate must name the host of the URL; default true. */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /**
         * Runs the {@link #synchronizer()} every {@code interval} (at least 1 minute); default
         * never (the host runs it). Setting {@code sync.interval}.
         */
        public Builder syncInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("syncInterval must be at least 1 minute, was " + interval);
            }
            this.syncInterval = Optional.of(interval);
            return this;
        }

        /**
         * An LDAP filter that an entry of a disabled user matches, asked of the directory by the
         * synchroniser (e.g. {@code (pwdAccountLockedTime=*)} for OpenLDAP's password policy, or
         * {@code (nsAccountLock=TRUE)}); Active Directory's {@code userAccountControl} disabled bit
         * is always honoured. Setting {@code sync.disabledFilter}.
         */
        public Builder syncDisabledFilter(String filter) {
            try {
                this.syncDisabledFilter = Optional.of(Filter.create(Objects.requireNonNull(filter, "syncDisabledFilter")));
            } catch (LDAPException e) {
                throw new IllegalArgumentException("syncDisabledFilter is not an LDAP filter: " + e.getDiagnosticMessage());
            }
            return this;
        }

        /** The clock that cache entries age by; default {@link Clock#systemUTC()}. Tests pass one they move. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks the settings that depend on each other and builds the realm. Does not need the
         * directory to be up: connections are opened on first use and re-opened after an outage.
         *
         * @throws IllegalArgumentException naming the setting that is missing or conflicts
         */
        public LdapRealm build() {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("url is required (e.g. ldap://dc1.example.com:389)");
            }
            if (searchBase == null) {
                throw new IllegalArgumentException("searchBase is required (e.g. dc=example,dc=org)");
            }
            if (startTls && ldaps) {
                throw new IllegalArgumentException("startTls cannot be used with ldaps://, which is already TLS;"
                        + " use ldap:// URLs with startTls, or drop startTls");
            }
            Optional<FilterTemplate> groups = groupSearchFilter;
            if (nestedGroups && groups.isEmpty()) {
                groups = Optional.of(FilterTemplate.parse(LdapConfig.NESTED_GROUP_FILTER, 2));
            } else if (nestedGroups && !groups.get().toString().contains(LdapConfig.IN_CHAIN_RULE)) {
                throw new IllegalArgumentException("groupSearchFilter needs the in-chain rule for nestedGroups, e.g. "
                        + LdapConfig.NESTED_GROUP_FILTER + " (or leave groupSearchFilter unset to get that one)");
            }
            if (systemUsername.isPresent() && systemPassword.length == 0) {
                throw new IllegalArgumentException("systemUsername is set without systemPassword;"
                        + " set both, or neither for anonymous searches");
            }
            if (systemUsername.isEmpty() && systemPassword.length > 0) {
                throw new IllegalArgumentException("systemPassword is set without systemUsername;"
                        + " set both, or neither for anonymous searches");
            }
            if (bindWith == BindWith.USER_PRINCIPAL_NAME && userPrincipalNameProperty.isEmpty()) {
                throw new IllegalArgumentException("bindWith userPrincipalName needs userPrincipalNameProperty"
                        + " (e.g. userPrincipalName)");
            }
            LdapConfig config = new LdapConfig(name, urls, ldaps, searchBase, principalSearchFilter, usernameProperty,
                    userPrincipalNameProperty, mailProperty, displayNameProperty, groups,
                    groupSearchBase.orElse(searchBase), groupNameProperty, systemUsername, systemPassword,
                    autoCreateUsers, cacheDuration, cacheMaxEntries, connectTimeout, readTimeout, poolSize,
                    maxConcurrentLogins > 0 ? maxConcurrentLogins : 2 * poolSize, retryAfter,
                    exposeAttributes, excludeAttributes, roleMapping, startTls, trustStore, trustStorePassword,
                    trustStoreType, verifyHostname, bindWith, simulatedBindDn.orElse(searchBase), clock);
            return new LdapRealm(config, new Directory(config), accounts, syncDisabledFilter, syncInterval);
        }

        private static String dn(String setting, String value) {
            if (value == null || value.isBlank() || !DN.isValidDN(value)) {
                throw new IllegalArgumentException(setting + " must be a valid DN, was '" + value + "'");
            }
            return value.strip();
        }

        private static FilterTemplate template(String setting, String value, int arguments) {
            if (value == null) {
                throw new IllegalArgumentException(setting + " must not be null");
            }
            try {
                return FilterTemplate.parse(value, arguments);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + " " + e.getMessage(), e);
            }
        }

        private static String attribute(String setting, String value) {
            if (value == null || value.isBlank() || value.strip().chars().anyMatch(c -> c == ',' || c == ' ')) {
                throw new IllegalArgumentException(setting + " must be one attribute name, was '" + value + "'");
            }
            return value.strip();
        }

        private static Duration timeout(String setting, Duration d) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(setting + " must be between 1ms and 24 days, was " + d);
            }
            return d;
        }

        private static Set<String> lowerSet(String setting, Collection<String> values) {
            Set<String> out = new LinkedHashSet<>();
            for (String v : Objects.requireNonNull(values, setting)) {
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException(setting + " must not contain a blank name");
                }
                out.add(v.strip().toLowerCase(Locale.ROOT));
            }
            return Set.copyOf(out);
        }
    }
}
