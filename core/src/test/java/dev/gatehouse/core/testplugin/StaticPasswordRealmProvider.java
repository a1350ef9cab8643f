package dev.gatehouse.core.testplugin;

import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;

/**
 * A realm provider that lives only in test code, registered through
 * {@code META-INF/services/dev.gatehouse.core.RealmProvider}: the proof that a third party adds an
 * authentication method without touching core. Type {@code static-password}.
 */
public final class StaticPasswordRealmProvider implements RealmProvider {

    @Override
    public String type() {
        return "static-password";
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        return new StaticPasswordRealm(settings, context);
    }
}
