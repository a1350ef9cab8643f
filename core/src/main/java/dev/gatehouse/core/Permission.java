package dev.gatehouse.core;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Something a caller may do, by name: {@code secret:read}, {@code apikey:manage}. The host names
 * the permissions its operations need and checks them with {@link Identity#permits(Permission)}
 * or {@link Authorization#require}; a credential that carries a set of them (a scoped API key, a
 * process's token) may do only those. The constants below are the ones Gatehouse's own modules and
 * the default {@link ProcessPolicy} use.
 *
 * <p>A name is lower-case segments separated by {@code :} (letters, digits, {@code -} and
 * {@code _}), at most {@value #MAX_LENGTH} characters. A last segment {@code *} grants every
 * permission under its prefix ({@code secret:*} covers {@code secret:read}), and {@code *} alone
 * grants everything. Immutable and thread-safe.
 *
 * @param name the permission's name
 */
public record Permission(String name) {

    /** The longest permission name accepted. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern NAME = Pattern.compile("\\*|[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*(:\\*)?");

    /** Everything: the scope of a credential that is not limited. */
    public static final Permission ALL = new Permission("*");

    /** Read a secret (its value or its key pair), within what the caller's user may read. */
    public static final Permission SECRET_READ = new Permission("secret:read");
    /** Decrypt an encrypted string of a project. */
    public static final Permission SECRET_DECRYPT = new Permission("secret:decrypt");
    /** Create, change or delete a secret: outlives a process. */
    public static final Permission SECRET_WRITE = new Permission("secret:write");
    /** Call the host's process API about the process the caller acts for, and only it. */
    public static final Permission PROCESS_SELF = new Permission("process:self");
    /** Start a process: its token would outlive the caller's. */
    public static final Permission PROCESS_START = new Permission("process:start");
    /** Create, list or revoke API keys: credential management. */
    public static final Permission APIKEY_MANAGE = new Permission("apikey:manage");
    /** Create, change, disable or delete users: credential management. */
    public static final Permission USER_MANAGE = new Permission("user:manage");
    /** Grant or remove roles: credential management. */
    public static final Permission ROLE_MANAGE = new Permission("role:manage");

    /**
     * @throws IllegalArgumentException naming the value if it is not a permission name
     */
    public Permission {
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("permission must be lower-case segments separated by ':', optionally "
                    + "ending in ':*', at most " + MAX_LENGTH + " characters, was '"
                    + (name.length() > MAX_LENGTH ? name.substring(0, 32) + "..." : name) + "'");
        }
    }

    /** The permission named {@code name}. */
    public static Permission of(String name) {
        return new Permission(name);
    }

    /** The permissions named in {@code names}. */
    public static Set<Permission> setOf(String... names) {
        Set<Permission> out = new LinkedHashSet<>();
        for (String n : names) {
            out.add(of(n));
        }
        return Set.copyOf(out);
    }

    /** Whether holding this permission grants {@code other}: the same name, or a wildcard over it. */
    public boolean covers(Permission other) {
        if (name.equals(other.name) || this == ALL || name.equals("*")) {
            return true;
        }
        return name.endsWith(":*") && other.name.startsWith(name.substring(0, name.length() - 1))
                && !other.name.equals("*");
    }

    /** Whether some permission in {@code granted} covers {@code wanted}. */
    public static boolean anyCovers(Set<Permission> granted, Permission wanted) {
        for (Permission p : granted) {
            if (p.covers(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What both sets grant: each permission of one that a permission of the other covers (the
     * narrower of the two). {@code {secret:*} ∩ {secret:read, apikey:manage}} is
     * {@code {secret:read}}.
     */
    public static Set<Permission> intersection(Set<Permission> a, Set<Permission> b) {
        Set<Permission> out = new LinkedHashSet<>();
        for (Permission x : a) {
            for (Permission y : b) {
                if (x.covers(y)) {
                    out.add(y);
                } else if (y.covers(x)) {
                    out.add(x);
                }
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public String toString() {
        return name;
    }
}
