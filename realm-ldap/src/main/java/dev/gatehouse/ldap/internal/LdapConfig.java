package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.RealmSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The LDAP realm's settings, read and checked once. Keys are named as Concord names them, so that
 * its operators can reuse their configuration. Immutable; {@link #systemPassword()} and
 * {@link #trustStorePassword()} hand out copies.
 */
public final class LdapConfig {

    /** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: matches through nested groups. */
    public static final String IN_CHAIN_RULE = "1.2.840.113556.1.4.1941";

    static final String DEFAULT_PRINCIPAL_FILTER = "(cn={0})";
    static final String NESTED_GROUP_FILTER = "(&(objectClass=group)(member:" + IN_CHAIN_RULE + ":={0}))";

    /** How the realm binds as the user it found. */
    public enum BindWith { DN, USER_PRINCIPAL_NAME }

    public final String realmName;
    public final List<LDAPURL> urls;
    public final boolean ldaps;
    public final String searchBase;
    public final FilterTemplate principalSearchFilter;
    public final Optional<String> usernameProperty;
    public final Optional<String> userPrincipalNameProperty;
    public final String mailProperty;
    public final String displayNameProperty;
    public final Optional<FilterTemplate> groupSearchFilter;
    public final String groupSearchBase;
    public final String groupNameProperty;
    public final boolean nestedGroups;
    public final Optional<String> systemUsername;
    private final char[] systemPassword;
    public final boolean autoCreateUsers;
    public final Duration cacheDuration;
    public final int cacheMaxEntries;
    public final Duration connectTimeout;
    public final Duration readTimeout;
    public final int poolSize;
    public final Duration retryAfter;
    public final Set<String> exposeAttributes;
    public final Set<String> excludeAttributes;
    public final Map<String, Set<String>> roleMapping;
    public final boolean startTls;
    public final Optional<Path> trustStore;
    private final char[] trustStorePassword;
    public final String trustStoreType;
    public final boolean verifyHostname;
    public final BindWith bindWith;

    private LdapConfig(RealmSettings s) {
        realmName = s.realmName();
        List<String> rawUrls = s.getList("url");
        if (rawUrls.isEmpty()) {
            throw s.invalid("url", "required setting is missing (e.g. ldap://dc1.example.com:389,ldap://dc2.example.com:389)");
        }
        List<LDAPURL> parsed = new ArrayList<>();
        Set<String> schemes = new LinkedHashSet<>();
        for (String u : rawUrls) {
            LDAPURL url;
            try {
                url = new LDAPURL(u);
            } catch (LDAPException e) {
                throw s.invalid("url", "'" + u + "' is not an LDAP URL: " + e.getMessage());
            }
            if (!url.hostProvided()) {
                throw s.invalid("url", "'" + u + "' names no host");
            }
            schemes.add(url.getScheme().toLowerCase(Locale.ROOT));
            parsed.add(url);
        }
        if (schemes.size() > 1) {
            throw s.invalid("url", "mixes " + String.join(" and ", schemes) + "; use one scheme for every server");
        }
        urls = List.copyOf(parsed);
        ldaps = schemes.contains("ldaps");

        searchBase = dn(s, "searchBase", s.require("searchBase"));
        principalSearchFilter = template(s, "principalSearchFilter", s.get("principalSearchFilter", DEFAULT_PRINCIPAL_FILTER), 3);
        usernameProperty = s.get("usernameProperty");
        userPrincipalNameProperty = s.get("userPrincipalNameProperty");
        mailProperty = s.get("mailProperty", "mail");
        displayNameProperty = s.get("displayNameProperty", "displayName");
        nestedGroups = s.getBoolean("nestedGroups", false);
        Optional<String> groupFilter = s.get("groupSearchFilter");
        if (nestedGroups && groupFilter.isEmpty()) {
            groupFilter = Optional.of(NESTED_GROUP_FILTER);
        } else if (nestedGroups && !groupFilter.get().contains(IN_CHAIN_RULE)) {
            throw s.invalid("groupSearchFilter", "nestedGroups=true needs a filter with the in-chain rule, e.g. "
                    + NESTED_GROUP_FILTER + " (or leave groupSearchFilter unset to get that one)");
        }
        groupSearchFilter = groupFilter.map(f -> template(s, "groupSearchFilter", f, 2));
        groupSearchBase = dn(s, "groupSearchBase", s.get("groupSearchBase", searchBase));
        groupNameProperty = s.get("groupNameProperty", "cn");

        systemUsername = s.get("systemUsername");
        systemPassword = s.getSecret("systemPassword").orElse(new char[0]);
        if (systemUsername.isPresent() != (systemPassword.length > 0)) {
            throw s.invalid(systemUsername.isPresent() ? "systemPassword" : "systemUsername",
                    "set both systemUsername and systemPassword, or neither (anonymous searches)");
        }
        autoCreateUsers = s.getBoolean("autoCreateUsers", true);
        cacheDuration = s.getDuration("cacheDuration", Duration.ofMinutes(1));
        cacheMaxEntries = s.getInt("cacheMaxEntries", 10_000, 1, 10_000_000);
        connectTimeout = positive(s, "connectTimeout", s.getDuration("connectTimeout", Duration.ofSeconds(5)));
        readTimeout = positive(s, "readTimeout", s.getDuration("readTimeout", Duration.ofSeconds(10)));
        poolSize = s.getInt("poolSize", 8, 1, 1000);
        retryAfter = s.getDuration("retryAfter", Duration.ofSeconds(30));

        exposeAttributes = lowerSet(s.getList("exposeAttributes"));
        excludeAttributes = lowerSet(s.getList("excludeAttributes"));
        Map<String, Set<String>> roles = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.getPrefixed("roleMapping").entrySet()) {
            Set<String> mapped = new LinkedHashSet<>();
            for (String r : e.getValue().split(",")) {
                if (!r.isBlank()) {
                    mapped.add(r.strip());
                }
            }
            if (mapped.isEmpty()) {
                throw s.invalid("roleMapping." + e.getKey(), "names no role");
            }
            roles.put(groupKey(e.getKey()), Set.copyOf(mapped));
        }
        roleMapping = Map.copyOf(roles);

        startTls = s.getBoolean("startTls", false);
        if (startTls && ldaps) {
            throw s.invalid("startTls", "ldaps:// is already TLS; use ldap:// URLs with startTls=true, or drop startTls");
        }
        trustStore = s.get("trustStore").map(Path::of);
        trustStore.ifPresent(p -> {
            if (!Files.isReadable(p)) {
                throw s.invalid("trustStore", "cannot read " + p.toAbsolutePath());
            }
        });
        trustStorePassword = s.getSecret("trustStorePassword").orElse(new char[0]);
        trustStoreType = s.get("trustStoreType", "PKCS12");
        verifyHostname = s.getBoolean("verifyHostname", true);
        String bind = s.get("bindWith", "dn").toLowerCase(Locale.ROOT);
        if (bind.equals("dn")) {
            bindWith = BindWith.DN;
        } else if (bind.equals("userprincipalname")) {
            if (userPrincipalNameProperty.isEmpty()) {
                throw s.invalid("bindWith", "userPrincipalName needs userPrincipalNameProperty (e.g. userPrincipalName)");
            }
            bindWith = BindWith.USER_PRINCIPAL_NAME;
        } else {
            throw s.invalid("bindWith", "expected dn or userPrincipalName, was '" + bind + "'");
        }
    }

    /**
     * Reads and checks the settings.
     *
     * @throws ConfigurationException naming the first wrong or missing key
     */
    public static LdapConfig read(RealmSettings settings) {
        return new LdapConfig(settings);
    }

    /** Whether connections are encrypted (ldaps or StartTLS). */
    public boolean tls() {
        return ldaps || startTls;
    }

    /** The service account's password, a copy the caller should wipe; empty for anonymous searches. */
    public char[] systemPassword() {
        return systemPassword.clone();
    }

    /** The trust store's password, a copy; empty if none. */
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

    private static String dn(RealmSettings s, String key, String value) {
        if (!DN.isValidDN(value)) {
            throw s.invalid(key, "'" + value + "' is not a valid DN");
        }
        return value;
    }

    private static FilterTemplate template(RealmSettings s, String key, String value, int arguments) {
        try {
            return FilterTemplate.parse(value, arguments);
        } catch (IllegalArgumentException e) {
            throw s.invalid(key, e.getMessage());
        }
    }

    private static Duration positive(RealmSettings s, String key, Duration d) {
        if (d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw s.invalid(key, "must be between 1ms and 24 days, was " + d);
        }
        return d;
    }

    private static Set<String> lowerSet(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            out.add(v.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    @Override
    public String toString() {
        return "LdapConfig[" + realmName + ", urls=" + backend() + ", searchBase=" + searchBase
                + ", filter=" + principalSearchFilter + ", systemUsername=" + systemUsername.orElse("<anonymous>")
                + ", systemPassword=<redacted>, tls=" + (ldaps ? "ldaps" : startTls ? "startTls" : "none")
                + ", cacheDuration=" + cacheDuration + ", roleMapping=" + roleMapping.keySet() + "]";
    }
}
