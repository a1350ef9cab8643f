package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.SearchResultEntry;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.UserType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a directory entry and its groups into the {@link ExternalUser} that the user record and
 * the identity are made from: username and domain, display name, email, roles from the group
 * mapping and the exposed attributes. Stateless and thread-safe.
 */
public final class ProfileMapper {

    /** Never copied into an identity, whatever exposeAttributes says. */
    static final Set<String> NEVER_EXPOSED = Set.of("userpassword", "unicodepwd", "supplementalcredentials",
            "ntpwdhistory", "lmpwdhistory", "dbcspwd", "authpassword", "sambantpassword", "sambalmpassword",
            "objectsid", "objectguid", "jpegphoto", "thumbnailphoto", "usercertificate", "usersmimecertificate",
            "msds-keycredentiallink");

    /** A group the user is in: its DN and its name. */
    public record Group(String dn, String name) {
        /** A group known only by its DN; named by the value of the DN's first RDN. */
        public static Group ofDn(String dn) {
            return new Group(dn, groupName(dn));
        }
    }

    private final LdapConfig config;

    public ProfileMapper(LdapConfig config) {
        this.config = config;
    }

    /**
     * The username of the user record, always taken from the directory entry, never from what
     * was typed (a filter such as {@code (mail={0})} must not let a user name themselves):
     * {@code usernameProperty}, else the user part of the UPN, else the value of the entry's RDN
     * ({@code uid=alice,ou=people,...} gives {@code alice}).
     */
    public String username(SearchResultEntry entry) {
        Optional<String> byProperty = config.usernameProperty().map(entry::getAttributeValue);
        if (byProperty.isPresent() && !byProperty.get().isBlank()) {
            return byProperty.get();
        }
        Optional<String> upn = userPrincipalName(entry);
        if (upn.isPresent() && upn.get().lastIndexOf('@') > 0) {
            return upn.get().substring(0, upn.get().lastIndexOf('@'));
        }
        return groupName(entry.getDN());
    }

    /** The user's {@code userPrincipalNameProperty} value, if configured and present. */
    public Optional<String> userPrincipalName(SearchResultEntry entry) {
        return config.userPrincipalNameProperty().map(entry::getAttributeValue).filter(v -> !v.isBlank());
    }

    /** The group DNs in the entry's {@code memberOf}. */
    public List<Group> memberOf(SearchResultEntry entry) {
        String[] values = entry.getAttributeValues("memberOf");
        if (values == null) {
            return List.of();
        }
        List<Group> groups = new ArrayList<>(values.length);
        for (String dn : values) {
            groups.add(Group.ofDn(dn));
        }
        return groups;
    }

    /** Builds the profile. */
    public ExternalUser profile(SearchResultEntry entry, Collection<Group> groups) {
        String username = username(entry);
        Optional<String> domain = userPrincipalName(entry)
                .filter(upn -> upn.lastIndexOf('@') > 0 && upn.lastIndexOf('@') < upn.length() - 1)
                .map(upn -> upn.substring(upn.lastIndexOf('@') + 1));
        Set<String> roles = new LinkedHashSet<>();
        Set<String> groupDns = new LinkedHashSet<>();
        for (Group group : groups) {
            groupDns.add(group.dn());
            Set<String> mapped = config.roleMapping().get(LdapConfig.groupKey(group.dn()));
            if (mapped == null) {
                mapped = config.roleMapping().get(LdapConfig.groupKey(group.name()));
            }
            if (mapped != null) {
                roles.addAll(mapped);
            }
        }
        ExternalUser user = ExternalUser.of(username, UserType.LDAP)
                .withRoles(roles)
                .withGroups(groupDns)
                .withAttributes(attributes(entry));
        if (domain.isPresent()) {
            user = user.withDomain(domain.get());
        }
        String display = entry.getAttributeValue(config.displayNameProperty());
        if (display != null && !display.isBlank()) {
            user = user.withDisplayName(display);
        }
        String mail = entry.getAttributeValue(config.mailProperty());
        if (mail != null && !mail.isBlank()) {
            user = user.withEmail(mail);
        }
        return user;
    }

    /** For a DN, the value of its first RDN; anything else as it is. */
    static String groupName(String group) {
        if (group.indexOf('=') > 0 && DN.isValidDN(group)) {
            try {
                RDN rdn = new DN(group).getRDN();
                if (rdn != null && rdn.getAttributeValues().length > 0) {
                    return rdn.getAttributeValues()[0];
                }
            } catch (LDAPException e) {
                return group;
            }
        }
        return group;
    }

    private Map<String, String> attributes(SearchResultEntry entry) {
        if (config.exposeAttributes().isEmpty()) {
            return Map.of();
        }
        boolean all = config.exposeAttributes().contains("*");
        Map<String, String> out = new LinkedHashMap<>();
        for (Attribute a : entry.getAttributes()) {
            String name = a.getBaseName().toLowerCase(Locale.ROOT);
            if ((!all && !config.exposeAttributes().contains(name)) || config.excludeAttributes().contains(name)
                    || NEVER_EXPOSED.contains(name) || a.needsBase64Encoding()) {
                continue;
            }
            out.put(a.getName(), String.join("; ", a.getValues()));
        }
        return out;
    }
}
