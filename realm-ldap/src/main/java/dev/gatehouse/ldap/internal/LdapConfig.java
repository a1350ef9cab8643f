package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.gatehouse.ldap.LdapRealm.BindWith;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The LDAP realm's settings after {@code LdapRealm.Builder} checked them: built in one place
 * (the builder's {@code build()}), read by the directory client, the verifier and the profile
 * mapper. Immutable; the two passwords are held as copies and handed out as copies, and
 * {@link #toString()} shows neither.
 *
 * @param groupSearchFilter the group search, with the in-chain default already filled in when
 *     {@code nestedGroups} is on
 * @param simulatedBindDn the existing entry that logins naming no user bind as, so that they do
 *     the same work as a wrong password
 */
public record LdapConfig(
        String realmName,
        List<LDAPURL> urls,
        boolean ldaps,
        String searchBase,
        FilterTemplate principalSearchFilter,
        Optional<String> usernameProperty,
        Optional<String> userPrincipalNameProperty,
        String mailProperty,
        String displayNameProperty,
        Optional<FilterTemplate> groupSearchFilter,
        String groupSearchBase,
        String groupNameProperty,
        Optional<String> systemUsername,
        char[] systemPassword,
        boolean autoCreateUsers,
        Duration cacheDuration,
        int cacheMaxEntries,
        Duration connectTimeout,
        Duration readTimeout,
        int poolSize,
        int maxConcurrentLogins,
        Duration retryAfter,
        Set<String> exposeAttributes,
        Set<String> excludeAttributes,
        Map<String, Set<String>> roleMapping,
        boolean startTls,
        Optional<Path> trustStore,
        char[] trustStorePassword,
        String trustStoreType,
        boolean verifyHostname,
        BindWith bindWith,
        String simulatedBindDn,
        Clock clock) {

    /** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: matches through nested groups. */
    public static final String IN_CHAIN_RULE = "1.2.840.113556.1.4.1941";

    /** The principal search filter when none is configured. */
    public static final String DEFAULT_PRINCIPAL_FILTER = "(cn={0})";

    /** The group search filter that {@code nestedGroups=true} uses when none is configured. */
    public static final String NESTED_GROUP_FILTER = "(&(objectClass=group)(member:" + IN_CHAIN_RULE + ":={0}))";

    /** Copies the passwords and the collections, so that no caller can change them afterwards. */
    public LdapConfig {
        urls = List.copyOf(urls);
        systemPassword = systemPassword.clone();
        exposeAttributes = Set.copyOf(exposeAttributes);
        excludeAttributes = Set.copyOf(excludeAttributes);
        roleMapping = Map.copyOf(roleMapping);
        trustStorePassword = trustStorePassword.clone();
    }

    /** Whether connections are encrypted (ldaps or StartTLS). */
    public boolean tls() {
        return ldaps || startTls;
    }

    /** The service account's password, a copy the caller should wipe; empty for anonymous searches. */
    @Override
    public char[] systemPassword() {
        return systemPassword.clone();
    }

    /** The trust store's password, a copy the caller should wipe; empty if none. */
    @Override
    public char[] trustStorePassword() {
        return trustStorePassword.clone();
    }

    /** The servers as one string for logs and 503s, e.g. {@code ldap://dc1:389,ldap://dc2:389}. */
    public String backend() {
        StringBuilder b = new StringBuilder();
        for (LDAPURL u : urls) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(u.getScheme()).append("://").append(u.getHost()).append(':').append(u.getPort());
        }
        return b.toString();
    }

    /** Case-insensitive key for the role mapping: a group's name or its DN, normalised. */
    public static String groupKey(String nameOrDn) {
        String v = nameOrDn.strip();
        if (v.indexOf('=') > 0 && DN.isValidDN(v)) {
            try {
                return new DN(v).toNormalizedString();
            } catch (LDAPException e) {
                // fall through: treat as a plain name
            }
        }
        return v.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return this == o; // holds passwords: identity only, never compared field by field
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "LdapConfig[" + realmName + ", urls=" + backend() + ", searchBase=" + searchBase
                + ", filter=" + principalSearchFilter + ", systemUsername=" + systemUsername.orElse("<anonymous>")
                + ", systemPassword=<redacted>, tls=" + (ldaps ? "ldaps" : startTls ? "startTls" : "none")
                + ", cacheDuration=" + cacheDuration + ", poolSize=" + poolSize + ", maxConcurrentLogins=" + maxConcurrentLogins + ", roleMapping=" + roleMapping.keySet() + "]";
    }
}
