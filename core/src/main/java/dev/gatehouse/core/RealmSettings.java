package dev.gatehouse.core;

import java.util.Map;

/**
 * A realm's settings: the {@code realm.<name>.<key>} properties, read with the typed getters of
 * {@link Settings}, which name the full key in every error and refuse keys that nothing read.
 * Thread-safe.
 */
public final class RealmSettings extends Settings {

    private final String realmName;

    private RealmSettings(String realmName, Map<String, String> values) {
        super("realm." + realmName, values);
        this.realmName = realmName;
    }

    /**
     * Settings for realm {@code realmName}; keys are without the {@code realm.<name>.} prefix.
     * Values are taken as they are: substitute environment variables first.
     */
    public static RealmSettings of(String realmName, Map<String, String> values) {
        return new RealmSettings(realmName, values);
    }

    /** The realm's configured name. */
    public String realmName() {
        return realmName;
    }
}
