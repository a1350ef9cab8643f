package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.testing.StubRealm;
import dev.gatehouse.core.testplugin.BuilderBackedRealmProvider;
import dev.gatehouse.core.testplugin.StaticPasswordRealm;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one settings reader, for a realm ({@code realm.<name>.}) and for any other component
 * ({@code secrets.}); the mapping of a builder's {@link IllegalArgumentException} to a
 * {@link ConfigurationException} naming the key; and the one lookup of a configured realm.
 */
class SettingsTest {

    @Test
    void misspeltKeyUnderTheSecretsPrefixIsReportedWithItsFullNameAndTheKnownOnes() {
        Settings s = Settings.of("secrets", Map.of("serverKey.primary", "abc", "stroe.type", "file",
                "store.path", "/tmp/x"));
        s.get("serverKey.primary");
        s.get("store.type");
        s.get("store.path");

        assertThatThrownBy(s::requireAllRead)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("unknown setting: secrets.stroe.type (check the spelling; nothing reads it")
                .hasMessageContaining("known under secrets: serverKey.primary, store.path, store.type");
    }

    @Test
    void everyUnknownKeyIsNamedAtOnce() {
        Settings s = Settings.of("secrets", Map.of("a", "1", "b", "2", "c", "3"));
        s.get("b");

        assertThatThrownBy(s::requireAllRead)
                .hasMessageStartingWith("unknown settings: secrets.a, secrets.c (check the spelling; nothing reads them");
    }

    @Test
    void settingsThatWereAllReadPass() {
        Settings s = Settings.of("secrets", Map.of("store.type", "memory", "roleMapping.admins", "admin"));
        s.get("store.type", "jdbc");
        assertThat(s.getPrefixed("roleMapping")).isEqualTo(Map.of("admins", "admin"));

        s.requireAllRead();
    }

    @Test
    void typedGettersNameTheFullKeyUnderAnyPrefix() {
        Settings s = Settings.of("secrets", Map.of("n", "x", "flag", "yes", "d", "soon", "big", "99", "list", " a, ,b "));

        assertThatThrownBy(() -> s.getInt("n", 1, 0, 10)).hasMessage("secrets.n: expected an integer, was 'x'");
        assertThatThrownBy(() -> s.getInt("big", 1, 0, 10)).hasMessage("secrets.big: must be between 0 and 10, was 99");
        assertThatThrownBy(() -> s.getBoolean("flag", true)).hasMessage("secrets.flag: expected true or false, was 'yes'");
        assertThatThrownBy(() -> s.getDuration("d", Duration.ZERO)).hasMessageStartingWith("secrets.d: ");
        assertThatThrownBy(() -> s.require("missing")).hasMessage("secrets.missing: required setting is missing");
        assertThat(s.getList("list")).containsExactly("a", "b");
        assertThat(s.getInt("absent", 7, 0, 10)).isEqualTo(7);
    }

    @Test
    void secretValuesNeverAppearInMessagesOrToString() {
        Settings s = Settings.of("secrets", Map.of("serverKey.primary", "TOP-SECRET-VALUE", "typo", "x"));
        assertThat(s.getSecret("serverKey.primary")).hasValueSatisfying(c -> assertThat(new String(c)).isEqualTo("TOP-SECRET-VALUE"));

        assertThatThrownBy(s::requireAllRead).hasMessageNotContaining("TOP-SECRET-VALUE");
        assertThat(s.toString()).doesNotContain("TOP-SECRET-VALUE");
    }

    @Test
    void fromPropertiesTakesOnlyItsPrefixAndResolvesEnvironmentReferences() {
        Properties p = new Properties();
        p.setProperty("secrets.serverKey.primary", "${env:SERVER_KEY}");
        p.setProperty("secrets.store.type", "${env:STORE_TYPE:-jdbc}");
        p.setProperty("secretsx.other", "not mine");
        p.setProperty("realm.ldap.url", "not mine either");

        Settings s = Settings.from(p, "secrets", Map.of("SERVER_KEY", "k")::get);

        assertThat(s.get("serverKey.primary")).hasValue("k");
        assertThat(s.get("store.type")).hasValue("jdbc");
        assertThat(s.contains("other")).isFalse();
        s.requireAllRead();
        assertThatThrownBy(() -> Settings.from(p, "secrets", name -> null))
                .hasMessageContaining("secrets.serverKey.primary").hasMessageContaining("SERVER_KEY");
    }

    @Test
    void realmSettingsQualifyKeysWithTheRealmsName() {
        RealmSettings s = RealmSettings.of("corp", Map.of("url", "ldap://x", "urll", "typo"));
        s.get("url");

        assertThat(s.realmName()).isEqualTo("corp");
        assertThat(s.qualify("url")).isEqualTo("realm.corp.url");
        assertThatThrownBy(s::requireAllRead).hasMessageStartingWith("unknown setting: realm.corp.urll");
    }

    // --- a builder's IllegalArgumentException, named by its key -------------------------------

    @Test
    void builderMessageThatStartsWithASettingNameBecomesAConfigurationErrorNamingTheFullKey() {
        assertThatThrownBy(() -> Gatehouse.builder()
                .realm("keys", "builder-backed", Map.of("revocationBound", "PT0S")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("realm.keys.revocationBound must be positive, was PT0S")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderMessageThatNamesNoSettingIsPrefixedWithTheRealm() {
        assertThatThrownBy(() -> Gatehouse.builder().realm("keys", "builder-backed", Map.of("mode", "lax")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("realm.keys: only strict mode is supported, was lax");
    }

    @Test
    void builderBackedRealmWithValidSettingsIsBuiltAndUnknownKeysAreStillRefused() {
        Gatehouse g = Gatehouse.builder().realm("keys", "builder-backed", Map.of("revocationBound", "PT2S")).build();
        assertThat(g.realm(BuilderBackedRealmProvider.BuiltRealm.class))
                .hasValueSatisfying(r -> assertThat(r.revocationBound()).isEqualTo(Duration.ofSeconds(2)));

        assertThatThrownBy(() -> Gatehouse.builder()
                .realm("keys", "builder-backed", Map.of("revocationBuond", "PT2S")).build())
                .hasMessageStartingWith("unknown setting: realm.keys.revocationBuond");
    }

    // --- Gatehouse.realm(Class) ---------------------------------------------------------------

    @Test
    void realmLookupFindsTheFirstRealmOfATypeOrNothing() {
        StubRealm first = StubRealm.accepting("first", "X-A", "a", "u", Set.of());
        StubRealm second = StubRealm.accepting("second", "X-B", "b", "u", Set.of());
        Gatehouse g = Gatehouse.builder().realm(first)
                .realm("corp", "static-password", Map.of("user.alice", "x"))
                .realm(second).build();

        assertThat(g.realm(StubRealm.class)).containsSame(first);
        assertThat(g.realm(StaticPasswordRealm.class)).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("corp"));
        assertThat(g.realm(Realm.class)).containsSame(first);
        assertThat(g.realm(BuilderBackedRealmProvider.BuiltRealm.class)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> g.realm(null)).isInstanceOf(NullPointerException.class);
    }
}
