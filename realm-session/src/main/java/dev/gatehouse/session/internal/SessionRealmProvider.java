package dev.gatehouse.session.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.session.ProcessRegistry;
import dev.gatehouse.session.ProcessStore;
import dev.gatehouse.session.SessionRealm;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Builds {@link SessionRealm}s of type {@code session} from {@code realm.<name>.*} settings (listed
 * in the module's README). It only maps settings onto {@link SessionRealm.Builder} and
 * {@link ProcessStore.Builder} calls: the defaults and the checks are the builders'; their
 * messages start with the setting's name, which core turns into the full key. What it adds is
 * reading values (base64 keys) and choosing the registry:
 *
 * <ul>
 *   <li>{@code store} unset and a {@link ProcessRegistry} service registered: that registry;
 *   <li>otherwise {@code store=jdbc} (the default) on the host's {@link DataSource} service, after
 *       {@code SchemaMigrations.apply(dataSource, "session")} unless {@code applySchema=false};
 *       or {@code store=memory}.
 * </ul>
 *
 * Found with {@link ServiceLoader}; thread-safe.
 */
public final class SessionRealmProvider implements RealmProvider {

    /** The schema component of the session realm: {@code META-INF/gatehouse/session/schema/}. */
    public static final String SCHEMA_COMPONENT = "session";

    /** The provider {@link ServiceLoader} instantiates. */
    public SessionRealmProvider() {}

    @Override
    public String type() {
        return SessionRealm.TYPE;
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        SessionRealm.Builder b = SessionRealm.builder(settings.realmName(), registry(settings, context),
                context.users()).clock(context.clock());
        keys(settings, b);
        settings.get("issuingKey").ifPresent(b::issuingKey);
        settings.get("header").ifPresent(b::header);
        bool(settings, "acceptBasic", b::acceptBasic);
        duration(settings, "maxLifetime", b::maxLifetime);
        duration(settings, "clockSkew", b::clockSkew);
        duration(settings, "revocationBound", b::revocationBound);
        integer(settings, "cacheSize", b::cacheSize);
        concord(settings, b);
        return b.build();
    }

    private static ProcessRegistry registry(RealmSettings settings, RealmContext context) {
        Optional<String> kind = settings.get("store");
        boolean applySchema = settings.getBoolean("applySchema", true);
        List<String> finalStatuses = settings.getList("additionalFinalStatuses");
        if (kind.isEmpty()) {
            Optional<ProcessRegistry> hosted = context.service(ProcessRegistry.class);
            if (hosted.isPresent()) {
                if (!finalStatuses.isEmpty()) {
                    throw settings.invalid("additionalFinalStatuses", "applies to a store this realm builds"
                            + " (store=jdbc or memory), not to the ProcessRegistry the host registered");
                }
                return hosted.get();
            }
        }
        ProcessStore.Builder store = ProcessStore.builder().clock(context.clock())
                .additionalFinalStatuses(finalStatuses.toArray(String[]::new));
        duration(settings, "revocationBound", bound -> { // one bound for process status and user
            try {
                store.maxStaleness(bound);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("revocationBound (the store's maxStaleness): " + e.getMessage(), e);
            }
        });
        switch (kind.orElse("jdbc").toLowerCase(Locale.ROOT)) {
            case "memory":
                return store.inMemory();
            case "jdbc":
                DataSource ds = context.service(DataSource.class).orElseThrow(() -> new ConfigurationException(
                        settings.prefix() + ": needs a " + ProcessRegistry.class.getName() + " or, for store=jdbc"
                                + " (the default), a " + DataSource.class.getName() + "; register one with"
                                + " Gatehouse.builder().service(...), or set " + settings.qualify("store") + "=memory"));
                if (applySchema) {
                    try {
                        SchemaMigrations.apply(ds, SCHEMA_COMPONENT);
                    } catch (IllegalStateException e) {
                        throw new ConfigurationException(settings.qualify("applySchema") + ": " + e.getMessage(), e);
                    }
                }
                return store.jdbc(ds);
            default:
                throw settings.invalid("store", "expected jdbc or memory, was '" + kind.get() + "'");
        }
    }

    private static void keys(RealmSettings settings, SessionRealm.Builder b) {
        for (Map.Entry<String, String> e : settings.getPrefixed("keys").entrySet()) {
            byte[] key;
            try {
                key = SessionKeys.decodeBase64(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw settings.invalid("keys." + e.getKey(), "is not valid base64");
            }
            try {
                b.key(e.getKey(), key);
            } finally {
                SessionKeys.wipe(key);
            }
        }
    }

    private static void concord(RealmSettings settings, SessionRealm.Builder b) {
        boolean enabled = settings.getBoolean("concord.enabled", false);
        Optional<char[]> salt = settings.getSecret("concord.secretStoreSalt");
        Optional<char[]> password = settings.getSecret("concord.serverPassword");
        try {
            if (!enabled) {
                if (salt.isPresent() || password.isPresent()) {
                    throw settings.invalid("concord.enabled", "is false, but Concord key settings are present;"
                            + " set it to true to accept Concord's tokens, or remove them");
                }
                return;
            }
            byte[] saltBytes = decode(settings, "concord.secretStoreSalt", salt);
            try {
                byte[] passwordBytes = decode(settings, "concord.serverPassword", password);
                try {
                    b.concordTokens(saltBytes, passwordBytes);
                } finally {
                    SessionKeys.wipe(passwordBytes);
                }
            } finally {
                SessionKeys.wipe(saltBytes);
            }
        } finally {
            salt.ifPresent(c -> Arrays.fill(c, '\0'));
            password.ifPresent(c -> Arrays.fill(c, '\0'));
        }
    }

    /** Concord's base64 value of {@code key}; the caller wipes the result. */
    private static byte[] decode(RealmSettings settings, String key, Optional<char[]> value) {
        if (value.isEmpty()) {
            throw settings.invalid(key, "required when concord.enabled is true (base64, as in Concord's configuration)");
        }
        char[] chars = value.get();
        byte[] ascii = new byte[chars.length];
        for (int i = 0; i < chars.length; i++) {
            ascii[i] = (byte) chars[i];
        }
        try {
            return Base64.getDecoder().decode(ascii);
        } catch (IllegalArgumentException e) {
            throw settings.invalid(key, "is not valid base64");
        } finally {
            SessionKeys.wipe(ascii);
        }
    }

    private static void bool(RealmSettings settings, String key, Consumer<Boolean> to) {
        if (settings.get(key).isPresent()) {
            to.accept(settings.getBoolean(key, false));
        }
    }

    private static void duration(RealmSettings settings, String key, Consumer<Duration> to) {
        Duration d = settings.getDuration(key, null);
        if (d != null) {
            to.accept(d);
        }
    }

    private static void integer(RealmSettings settings, String key, Consumer<Integer> to) {
        if (settings.get(key).isPresent()) {
            to.accept(settings.getInt(key, 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
    }
}
