package dev.gatehouse.ldap;

import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;

/**
 * Builds {@link LdapRealm}s for realm type {@code ldap}; found by {@link java.util.ServiceLoader}.
 * Stateless and thread-safe.
 */
public final class LdapRealmProvider implements RealmProvider {

    /** The realm type this provider builds. */
    public static final String TYPE = "ldap";

    /** Used by {@link java.util.ServiceLoader}. */
    public LdapRealmProvider() {}

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.gatehouse.core.ConfigurationException naming the key of a missing or wrong setting
     */
    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        return LdapRealm.create(settings, context);
    }
}
