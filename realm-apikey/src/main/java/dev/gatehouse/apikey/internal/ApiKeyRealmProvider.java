package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKeyPermissions;
import dev.gatehouse.apikey.ApiKeyRealm;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Builds {@link ApiKeyRealm}s of type {@code apikey} from {@code realm.<name>.*} settings (listed in
 * the module's README). Thread-safe.
 */
public final class ApiKeyRealmProvider implements RealmProvider {

    @Override
    public String type() {
        return ApiKeyRealm.TYPE;
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        ApiKeyRealm.Builder b = ApiKeyRealm.builder(settings.realmName(), store(settings, context), context.users())
                .clock(context.clock());
        try {
            b.prefix(settings.get("prefix", "gh"));
        } catch (IllegalArgumentException e) {
            throw settings.invalid("prefix", e.getMessage());
        }
        Duration bound = settings.getDuration("revocationBound", Duration.ofSeconds(1));
        b.revocationBound(bound);
        b.cacheSize(settings.getInt("cacheSize", 100_000, 0, 10_000_000));
        b.negativeCacheSize(settings.getInt("negativeCacheSize", 10_000, 0, 10_000_000));
        b.maxConcurrentLookups(settings.getInt("maxConcurrentLookups", 16, 1, 10_000));
        Duration lookupTimeout = settings.getDuration("lookupTimeout", Duration.ofSeconds(2));
        if (lookupTimeout.isZero()) {
            throw settings.invalid("lookupTimeout", "must be positive");
        }
        b.lookupTimeout(lookupTimeout);
        Duration flush = settings.getDuration("lastUsedFlushInterval", Duration.ofSeconds(10));
        if (flush.isZero()) {
            throw settings.invalid("lastUsedFlushInterval", "must be positive");
        }
        b.lastUsedFlushInterval(flush);
        Optional<String> lifetime = settings.get("defaultLifetime");
        if (lifetime.isPresent()) {
            Duration d = settings.getDuration("defaultLifetime", Duration.ZERO);
            if (d.isZero()) {
                throw settings.invalid("defaultLifetime", "must be positive");
            }
            b.defaultLifetime(d);
        }
        b.acceptConcordKeys(settings.getBoolean("acceptConcordKeys", false));
        String adminRole = settings.get("adminRole", "admin");
        b.permissions(context.service(ApiKeyPermissions.class).orElseGet(() -> ApiKeyPermissions.adminRole(adminRole)));
        return b.build();
    }

    private static ApiKeyStore store(RealmSettings settings, RealmContext context) {
        Optional<String> kind = settings.get("store");
        boolean migrate = settings.getBoolean("applySchema", true);
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
            if (migrate) {
                try {
                    ApiKeyStore.applySchema(ds);
                } catch (IllegalStateException e) {
                    throw new ConfigurationException(settings.qualify("applySchema") + ": " + e.getMessage(), e);
                }
            }
            return ApiKeyStore.jdbc(ds);
        }
        throw settings.invalid("store", "expected jdbc or memory, was '" + kind.get() + "'");
    }
}
