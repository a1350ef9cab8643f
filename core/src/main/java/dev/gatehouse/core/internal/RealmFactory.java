package dev.gatehouse.core.internal;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.UserDirectory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns realm specifications into realms, finding providers with {@link ServiceLoader}. */
public final class RealmFactory {

    private static final Pattern LEADING_KEY = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,63}");

    private RealmFactory() {}

    /** A realm to build: either an instance the host made, or a type and its settings. */
    public record Spec(String name, String type, Map<String, String> settings, Realm instance) {
        public static Spec ofInstance(Realm realm) {
            return new Spec(realm.name(), null, Map.of(), realm);
        }

        public static Spec ofType(String name, String type, Map<String, String> settings) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (!NAME.matcher(name).matches()) {
                throw new ConfigurationException("realm name '" + name + "' must match " + NAME.pattern());
            }
            return new Spec(name, type, Map.copyOf(settings), null);
        }
    }

    public static List<Realm> build(List<Spec> specs, UserDirectory users, Accounts accounts, Clock clock,
            Map<Class<?>, Object> services, ClassLoader loader) {
        Map<String, RealmProvider> providers = null;
        List<Realm> realms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Spec spec : specs) {
            Realm realm;
            if (spec.instance() != null) {
                realm = spec.instance();
            } else {
                if (providers == null) {
                    providers = discover(loader);
                }
                RealmProvider provider = providers.get(spec.type());
                if (provider == null) {
                    throw new ConfigurationException("realm." + spec.name() + ".type: no RealmProvider for type '"
                            + spec.type() + "' on the class path (found: "
                            + (providers.isEmpty() ? "none" : String.join(", ", providers.keySet())) + ")");
                }
                RealmSettings settings = RealmSettings.of(spec.name(), spec.settings());
                try {
                    realm = provider.create(settings, new Context(spec.name(), users, accounts, clock, services));
                } catch (IllegalArgumentException e) {
                    throw configurationError(settings, e);
                }
                if (realm == null) {
                    throw new ConfigurationException("realm." + spec.name() + ": provider "
                            + provider.getClass().getName() + " returned no realm");
                }
                settings.requireAllRead();
            }
            if (!names.add(realm.name())) {
                throw new ConfigurationException("realm." + realm.name() + ": two realms are named '" + realm.name() + "'");
            }
            realms.add(realm);
        }
        return List.copyOf(realms);
    }

    /**
     * A builder's {@link IllegalArgumentException} as a {@link ConfigurationException} naming the
     * key: builders name the setting first in their messages ({@code revocationBound must be
     * positive}), and that name is the key under {@code realm.<name>.}.
     */
    static ConfigurationException configurationError(RealmSettings settings, IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = LEADING_KEY.matcher(message);
        if (m.lookingAt() && settings.contains(m.group(1))) {
            return new ConfigurationException(settings.qualify(m.group(1)) + message.substring(m.end(1)), e);
        }
        return new ConfigurationException(settings.prefix() + ": " + message, e);
    }

    static Map<String, RealmProvider> discover(ClassLoader loader) {
        Map<String, RealmProvider> providers = new TreeMap<>();
        try {
            for (RealmProvider p : ServiceLoader.load(RealmProvider.class, loader)) {
                RealmProvider previous = providers.putIfAbsent(p.type(), p);
                if (previous != null) {
                    throw new ConfigurationException("two RealmProviders claim type '" + p.type() + "': "
                            + previous.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigurationException("a RealmProvider on the class path cannot be loaded: " + e.getMessage(), e);
        }
        return providers;
    }

    private record Context(String realmName, UserDirectory users, Accounts accounts, Clock clock,
            Map<Class<?>, Object> services) implements RealmContext {
        @Override
        public <T> Optional<T> service(Class<T> type) {
            return Optional.ofNullable(services.get(type)).map(type::cast);
        }
    }
}
