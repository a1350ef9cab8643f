package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.core.Gatehouse;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SessionRealmConfigurationTest {

    private static final String B64_128 = SessionFixture.b64(new byte[16]);

    private static Gatehouse build(Map<String, String> settings) {
        return Gatehouse.builder()
                .service(ProcessRegistry.class, ProcessStore.builder().inMemory())
                .realm("session", "session", settings)
                .build();
    }

    @Test
    void keyShorterThan256BitsIsRefusedNamingTheKey() {
        String shortKey = SessionFixture.b64(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.old", shortKey, "issuingKey", "k1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.old")
                .hasMessageContaining("128 bits")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k1", SessionFixture.b64(new byte[31]))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.k1")
                .hasMessageContaining("248 bits");
    }

    @Test
    void keyLongerThan256BitsIsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k1", SessionFixture.b64(new byte[64]))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.k1")
                .hasMessageContaining("exactly 256");
    }

    @Test
    void keyThatIsNotBase64IsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k1", "not base64 at all!")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys.k1")
                .hasMessageContaining("base64")
                .hasMessageNotContaining("not base64 at all!");
    }

    @Test
    void noKeyIsRefused() {
        assertThatThrownBy(() -> build(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.keys");
    }

    @Test
    void twoKeysNeedAnIssuingKey() {
        Map<String, String> two = SessionFixture.settings("keys.k2", SessionFixture.b64(SessionFixture.KEY_2));
        assertThatThrownBy(() -> build(two))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.issuingKey");
        assertThatThrownBy(() -> build(SessionFixture.settings("keys.k2", SessionFixture.b64(SessionFixture.KEY_2),
                "issuingKey", "k3")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.issuingKey")
                .hasMessageContaining("k3");
    }

    @Test
    void keysComeFromTheEnvironment() {
        Properties p = new Properties();
        p.setProperty("gatehouse.realms", "session");
        p.setProperty("realm.session.keys.k1", "${env:SESSION_KEY}");
        Gatehouse g = Gatehouse.builder()
                .environment(name -> name.equals("SESSION_KEY") ? SessionFixture.b64(SessionFixture.KEY_1) : null)
                .service(ProcessRegistry.class, ProcessStore.builder().inMemory())
                .properties(p)
                .build();
        assertThat(SessionTokens.of(g)).isNotNull();
    }

    @Test
    void missingProcessRegistryIsAConfigurationError() {
        assertThatThrownBy(() -> Gatehouse.builder().realm("session", "session", SessionFixture.settings()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(ProcessRegistry.class.getName());
    }

    @Test
    void misspeltSettingIsRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("maxLifeTime", "1h")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.maxLifeTime");
    }

    @Test
    void durationsOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("maxLifetime", "10s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.session.maxLifetime");
        assertThatThrownBy(() -> build(SessionFixture.settings("cacheTtl", "2h")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.session.cacheTtl");
    }

    @Test
    void headerNameIsConfigurableAndDeclared() {
        Gatehouse g = build(SessionFixture.settings("header", "X-Session"));
        Realm realm = g.realms().get(0);
        assertThat(realm.credentialHeaders()).contains("X-Session", "Authorization");
        assertThat(realm.credentials(RequestView.builder().header("X-Session", "abc").build())).isPresent();
        assertThat(realm.credentials(RequestView.builder().header(SessionFixture.HEADER, "abc").build())).isEmpty();
        assertThatThrownBy(() -> build(SessionFixture.settings("header", "Authorization")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realm.session.header");
    }

    @Test
    void basicCanBeTurnedOff() {
        Realm realm = build(SessionFixture.settings("acceptBasic", "false")).realms().get(0);
        assertThat(realm.credentialHeaders()).containsExactly(SessionFixture.HEADER);
    }

    @Test
    void concordKeysWithoutEnablingMigrationAreRefused() {
        assertThatThrownBy(() -> build(SessionFixture.settings("concord.secretStoreSalt", B64_128,
                "concord.serverPassword", B64_128)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.concord.enabled");
    }

    @Test
    void concordMigrationNeedsBothValues() {
        assertThatThrownBy(() -> build(SessionFixture.settings("concord.enabled", "true",
                "concord.secretStoreSalt", B64_128)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.concord.serverPassword");
        assertThatThrownBy(() -> build(SessionFixture.settings("concord.enabled", "true",
                "concord.secretStoreSalt", "%%%", "concord.serverPassword", B64_128)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("realm.session.concord.secretStoreSalt")
                .hasMessageContaining("base64");
    }
}
