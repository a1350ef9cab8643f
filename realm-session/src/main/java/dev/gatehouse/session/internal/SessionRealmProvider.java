package dev.gatehouse.session.internal;

import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.session.ProcessRegistry;

/**
 * Builds realms of type {@code session} from {@code realm.<name>.*} settings and the host's
 * {@link ProcessRegistry} service. Found with {@link java.util.ServiceLoader}; thread-safe.
 */
public final class SessionRealmProvider implements RealmProvider {

    /** The realm type configuration names. */
    public static final String TYPE = "session";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        SessionSettings parsed = SessionSettings.read(settings);
        ProcessRegistry registry = context.requireService(ProcessRegistry.class);
        return new SessionRealm(context.realmName(), parsed, registry, context.accounts(), context.clock());
    }
}
