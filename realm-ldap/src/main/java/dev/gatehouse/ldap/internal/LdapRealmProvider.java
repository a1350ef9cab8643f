package dev.gatehouse.ldap.internal;

import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.ldap.LdapRealm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Builds {@link LdapRealm}s for realm type {@code ldap} from {@code realm.<name>.*} settings; found
 * by {@link java.util.ServiceLoader}. Only maps each key that is set onto the builder method of the
 * same name: the defaults and the checks are the builder's, whose messages start with the key, so
 * that core reports them as {@code realm.<name>.<key> ...}. Keys are named as Concord names them.
 * Stateless and thread-safe.
 */
public final class LdapRealmProvider implements RealmProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public LdapRealmProvider() {}

    @Override
    public String type() {
        return LdapRealm.TYPE;
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.gatehouse.core.ConfigurationException naming the key of a missing or wrong
     *     setting (directly, or through core's translation of the builder's
     *     {@link IllegalArgumentException})
     */
    @Override
    public Realm create(RealmSettings s, RealmContext context) {
        LdapRealm.Builder b = LdapRealm.builder(s.realmName(), context.accounts()).clock(context.clock());
        // the two required keys: read here so that a missing one is reported with its full name
        s.require("url");
        b.url(s.getList("url"));
        b.searchBase(s.require("searchBase"));
        string(s, "principalSearchFilter", b::principalSearchFilter);
        string(s, "usernameProperty", b::usernameProperty);
        string(s, "userPrincipalNameProperty", b::userPrincipalNameProperty);
        string(s, "mailProperty", b::mailProperty);
        string(s, "displayNameProperty", b::displayNameProperty);
        string(s, "groupSearchFilter", b::groupSearchFilter);
        string(s, "groupSearchBase", b::groupSearchBase);
        string(s, "groupNameProperty", b::groupNameProperty);
        bool(s, "nestedGroups", b::nestedGroups);
        for (Map.Entry<String, String> e : s.getPrefixed("roleMapping").entrySet()) {
            b.roleMapping(e.getKey(), Arrays.asList(e.getValue().split(",")));
        }
        string(s, "systemUsername", b::systemUsername);
        secret(s, "systemPassword", b::systemPassword);
        Optional<String> bindWith = s.get("bindWith");
        if (bindWith.isPresent()) {
            b.bindWith(switch (bindWith.get().toLowerCase(Locale.ROOT)) {
                case "dn" -> LdapRealm.BindWith.DN;
                case "userprincipalname" -> LdapRealm.BindWith.USER_PRINCIPAL_NAME;
                default -> throw s.invalid("bindWith", "expected dn or userPrincipalName, was '" + bindWith.get() + "'");
            });
        }
        string(s, "simulatedBindDn", b::simulatedBindDn);
        bool(s, "autoCreateUsers", b::autoCreateUsers);
        duration(s, "cacheDuration", b::cacheDuration);
        integer(s, "cacheMaxEntries", b::cacheMaxEntries);
        duration(s, "connectTimeout", b::connectTimeout);
        duration(s, "readTimeout", b::readTimeout);
        integer(s, "poolSize", b::poolSize);
        integer(s, "maxConcurrentLogins", b::maxConcurrentLogins);
        duration(s, "retryAfter", b::retryAfter);
        duration(s, "sync.interval", b::syncInterval);
        string(s, "sync.disabledFilter", b::syncDisabledFilter);
        list(s, "exposeAttributes", b::exposeAttributes);
        list(s, "excludeAttributes", b::excludeAttributes);
        bool(s, "startTls", b::startTls);
        string(s, "trustStore", path -> b.trustStore(Path.of(path)));
        secret(s, "trustStorePassword", b::trustStorePassword);
        string(s, "trustStoreType", b::trustStoreType);
        bool(s, "verifyHostname", b::verifyHostname);
        return b.build();
    }

    private static void string(RealmSettings s, String key, Consumer<String> set) {
        s.get(key).ifPresent(set);
    }

    private static void bool(RealmSettings s, String key, Consumer<Boolean> set) {
        if (s.get(key).isPresent()) {
            set.accept(s.getBoolean(key, false));
        }
    }

    private static void integer(RealmSettings s, String key, IntConsumer set) {
        if (s.get(key).isPresent()) {
            set.accept(s.getInt(key, 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
    }

    private static void duration(RealmSettings s, String key, Consumer<Duration> set) {
        if (s.get(key).isPresent()) {
            set.accept(s.getDuration(key, Duration.ZERO));
        }
    }

    private static void list(RealmSettings s, String key, Consumer<List<String>> set) {
        if (s.get(key).isPresent()) {
            set.accept(s.getList(key));
        }
    }

    private static void secret(RealmSettings s, String key, Consumer<char[]> set) {
        Optional<char[]> value = s.getSecret(key);
        if (value.isPresent()) {
            try {
                set.accept(value.get());
            } finally {
                Arrays.fill(value.get(), '\0');
            }
        }
    }
}
