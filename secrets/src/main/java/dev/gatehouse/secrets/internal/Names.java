package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.SecretException;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates secret, org and project names. */
public final class Names {

    /** Concord's rule for secret names: 3 to 128 characters, letters, digits and {@code _ @ . - ~}. */
    private static final Pattern SECRET = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_@.~-]{2,127}");
    /**
     * Orgs and projects: 1 to 128 characters, letters, digits and {@code _ @ . - ~} (Concord's
     * {@code @ConcordKey} characters, so that a migrated Concord org or project keeps its name).
     */
    private static final Pattern ORG_OR_PROJECT = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_@.~-]{0,127}");

    private Names() {}

    /** @throws SecretException INVALID_INPUT unless {@code name} is a valid secret name */
    public static void secret(String name) {
        if (!SECRET.matcher(name).matches()) {
            throw new SecretException(SecretException.Kind.INVALID_INPUT, "Invalid secret name '" + printable(name)
                    + "': use 3 to 128 letters, digits and _ @ . - ~, starting with a letter or digit");
        }
    }

    /** @throws SecretException INVALID_INPUT unless {@code org} is a valid organisation name */
    public static void org(String org) {
        if (!ORG_OR_PROJECT.matcher(org).matches()) {
            throw new SecretException(SecretException.Kind.INVALID_INPUT, "Invalid organisation name '"
                    + printable(org) + "': use 1 to 128 letters, digits and _ @ . - ~, starting with a letter or digit");
        }
    }

    /** @throws SecretException INVALID_INPUT unless {@code project} is a valid project name */
    public static void project(String project) {
        if (!ORG_OR_PROJECT.matcher(project).matches()) {
            throw new SecretException(SecretException.Kind.INVALID_INPUT, "Invalid project name '"
                    + printable(project) + "': use 1 to 128 letters, digits and _ @ . - ~, starting with a letter or digit");
        }
    }

    /** The most projects one secret may be restricted to. */
    public static final int MAX_PROJECTS = 32;

    /** @throws SecretException INVALID_INPUT for too many or invalid project names */
    public static void projects(Set<String> projects) {
        if (projects.size() > MAX_PROJECTS) {
            throw new SecretException(SecretException.Kind.INVALID_INPUT, "A secret can be restricted to at most "
                    + MAX_PROJECTS + " projects, not " + projects.size());
        }
        projects.forEach(Names::project);
    }

    /** The name with control characters escaped and cut to 140 characters, for messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 140; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
