package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKeyPermissions;
import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Builds {@link ApiKeyRealm}s of type {@code apikey} from {@code realm.<name>.*} settings (listed in
 * the module's README). It only maps each given setting onto the {@link ApiKeyRealm.Builder} call
 * of the same name: defaults and checks live in the builder alone, whose messages start with the
 * setting's name, so that core names the full key in a configuration error. What the provider
 * itself decides is the store ({@code store}, {@code applySchema}). Thread-safe.
 */
public final class ApiKeyRealmProvider implements RealmProvider {

    /** The component of the schema scripts under {@code META-INF/gatehouse/apikey/schema/}. */
    static final String SCHEMA_COMPONENT = "apikey";

    @Override
    public String type() {
        return ApiKeyRealm.TYPE;
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        ApiKeyRealm.Builder b = ApiKeyRealm.builder(settings.realmName(), store(settings, context), context.users())
                .clock(context.clock());
        settings.get("prefix").ifPresent(b::prefix);
        duration(settings, "revocationBound", b::revocationBound);
        integer(settings, "cacheSize", b::cacheSize);
        integer(settings, "negativeCacheSize", b::negativeCacheSize);
        integer(settings, "maxConcurrentLookups", b::maxConcurrentLookups);
        duration(settings, "lookupTimeout", b::lookupTimeout);
        duration(settings, "lastUsedFlushInterval", b::lastUsedFlushInterval);
        duration(settings, "defaultLifetime", b::defaultLifetime);
        if (settings.get("acceptConcordKeys").isPresent()) {
            b.acceptConcordKeys(settings.getBoolean("acceptConcordKeys", false));
        }
        settings.get("adminRole").ifPresent(b::adminRole);
        context.service(ApiKeyPermissions.class).ifPresent(b::permissions); // the host's rule wins
        context.service(AuditTrail.class).ifPresent(b::audit);
        return b.build();
    }

    private static void duration(RealmSettings settings, String key, Consumer<Duration> setter) {
        Optional.ofNullable(settings.getDuration(key, null)).ifPresent(setter);
    }

    private static void integer(RealmSettings settings, String key, Consumer<Integer> setter) {
        if (settings.get(key).isPresent()) {
            setter.accept(settings.getInt(key, 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
    }

    /**
     * {@code store}: unset means a host-registered {@link ApiKeyStore} service if there is one,
     * else {@code jdbc}; {@code jdbc} needs a {@link DataSource} service and applies the schema
     * when {@code applySchema} (default true) is on.
     */
    private static ApiKeyStore store(RealmSettings settings, RealmContext context) {
        Optional<String> kind = settings.get("store");
        boolean applySchema = settings.getBoolean("applySchema", true);
        if (kind.isEmpty()) {
            Optional<ApiKeyStore> hosted = context.service(ApiKeyStore.class);
            if (hosted.isPresent()) {
                return hosted.get();
            }
        }
        String k = kind.orElse("jdbc").toLowerCase(Locale.ROOT);
        if (k.equals("memory")) {
            return ApiKeyStore.inMemory();
        }
        if (k.equals("jdbc")) {
            DataSource ds = context.requireService(DataSource.class);
            if (applySchema) {
                try {
                    SchemaMigrations.apply(ds, SCHEMA_COMPONENT);
                } catch (IllegalStateException e) {
                    // a script that failed or changed after it was applied; an outage passes as is
                    throw new ConfigurationException(settings.qualify("applySchema") + ": " + e.getMessage(), e);
                }
            }
            return ApiKeyStore.jdbc(ds);
        }
        throw settings.invalid("store", "expected jdbc or memory, was '" + kind.get() + "'");
    }
}
