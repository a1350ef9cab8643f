package dev.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.testplugin.StaticPasswordRealm;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Loading realms from properties, with plugin discovery and errors that name the key. */
class ConfigurationTest {

    private static Properties props(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    private static Gatehouse build(String text, Map<String, String> env) throws Exception {
        return Gatehouse.builder().environment(env::get).properties(props(text)).build();
    }

    @Test
    void pluginRealmFromTestCodeIsDiscoveredThroughServiceLoader() throws Exception {
        Gatehouse g = build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.corp.user.alice=Secret1
                """, Map.of());

        assertThat(g.realms()).singleElement().isInstanceOf(StaticPasswordRealm.class)
                .extracting(Realm::name).isEqualTo("corp");
        Decision d = g.authenticate(RequestView.builder().header("Authorization", "Basic YWxpY2U6U2VjcmV0MQ==").build(),
                AuthenticationMode.REQUIRED);
        assertThat(d).isInstanceOfSatisfying(Decision.Authenticated.class,
                a -> assertThat(a.identity().realm()).isEqualTo("corp"));
    }

    @Test
    void realmTypeDefaultsToItsName() throws Exception {
        Gatehouse g = build("""
                gatehouse.realms=static-password
                realm.static-password.user.alice=x
                """, Map.of());

        assertThat(g.realms()).extracting(Realm::name).containsExactly("static-password");
    }

    @Test
    void environmentVariablesAreSubstitutedSoSecretsStayOutOfTheFile() throws Exception {
        Gatehouse g = build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.corp.user.alice=${env:ALICE_PASSWORD}
                realm.corp.iterations=${env:ITERATIONS:-2000}
                """, Map.of("ALICE_PASSWORD", "FromEnv9"));

        Decision d = g.authenticate(RequestView.builder()
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("alice:FromEnv9".getBytes()))
                .build(), AuthenticationMode.REQUIRED);
        assertThat(d).isInstanceOf(Decision.Authenticated.class);
    }

    @Test
    void missingEnvironmentVariableNamesTheKeyAndTheVariable() {
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.corp.user.alice=${env:NOT_SET_ANYWHERE}
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("realm.corp.user.alice: environment variable NOT_SET_ANYWHERE is not set");
    }

    @Test
    void misspeltRealmSettingIsRefusedWithItsFullName() {
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.corp.iteratoins=5
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("unknown setting: realm.corp.iteratoins");
    }

    @Test
    void wrongValueNamesTheKey() {
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.corp.autoCreate=yes
                """, Map.of()))
                .hasMessage("realm.corp.autoCreate: expected true or false, was 'yes'");
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.corp.iterations=0
                """, Map.of()))
                .hasMessage("realm.corp.iterations: must be between 1 and 10000000, was 0");
    }

    @Test
    void unknownRealmTypeListsTheTypesFound() {
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=kerberos
                """, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("realm.corp.type: no RealmProvider for type 'kerberos' on the class path (found: ")
                .hasMessageContaining("static-password");
    }

    @Test
    void missingRealmListAndUnlistedRealmAreRefused() {
        assertThatThrownBy(() -> build("realm.corp.type=static-password\n", Map.of()))
                .hasMessageStartingWith("gatehouse.realms: required setting is missing");
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                realm.other.url=x
                """, Map.of()))
                .hasMessage("realm.other.url: realm 'other' is not listed in gatehouse.realms");
        assertThatThrownBy(() -> build("gatehouse.realms=a,a\n", Map.of()))
                .hasMessage("gatehouse.realms: realm 'a' is listed twice");
    }

    @Test
    void unknownGatehouseKeyIsRefused() {
        assertThatThrownBy(() -> build("gatehouse.realms=x\ngatehouse.mdoe=OPTIONAL\n", Map.of()))
                .hasMessageStartingWith("unknown setting: gatehouse.mdoe");
    }

    @Test
    void throttlingIsReadAndValidated() throws Exception {
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                gatehouse.throttle.initialDelay=soon
                """, Map.of()))
                .hasMessageStartingWith("gatehouse.throttle.initialDelay: expected a duration");
        assertThatThrownBy(() -> build("""
                gatehouse.realms=corp
                realm.corp.type=static-password
                gatehouse.throttle.initialDelay=10m
                gatehouse.throttle.maxDelay=1m
                """, Map.of()))
                .hasMessageContaining("maxDelay (PT1M) must not be below initialDelay (PT10M)");
    }

    @Test
    void hostKeysOutsideGatehouseAreLeftAlone() throws Exception {
        Gatehouse g = build("""
                server.port=8001
                db.url=jdbc:h2:mem:x
                gatehouse.realms=corp
                realm.corp.type=static-password
                """, Map.of());

        assertThat(g.realms()).hasSize(1);
    }

    @Test
    void durationsAcceptTheUsualSpellings() {
        RealmSettings s = RealmSettings.of("r", Map.of("a", "500ms", "b", "30s", "c", "5 minutes", "d", "PT2H",
                "e", "1d", "f", "-5s"));

        assertThat(s.getDuration("a", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(s.getDuration("b", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.getDuration("c", null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.getDuration("d", null)).isEqualTo(Duration.ofHours(2));
        assertThat(s.getDuration("e", null)).isEqualTo(Duration.ofDays(1));
        assertThat(s.getDuration("missing", Duration.ZERO)).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> s.getDuration("f", null)).hasMessageStartingWith("realm.r.f: expected a duration");
    }

    @Test
    void twoProvidersBuiltRealmsWithOneNameAreRefused() {
        Realm a = new dev.gatehouse.core.testing.StubRealm("same", "X-A", t -> AuthenticationResult.NotMine.instance());
        Realm b = new dev.gatehouse.core.testing.StubRealm("same", "X-B", t -> AuthenticationResult.NotMine.instance());

        assertThatThrownBy(() -> Gatehouse.builder().realm(a).realm(b).build())
                .hasMessage("realm.same: two realms are named 'same'");
    }

    @Test
    void missingServiceNamesTheRealmAndTheType() {
        RealmProvider needsDataSource = new RealmProvider() {
            @Override
            public String type() {
                return "needy";
            }

            @Override
            public Realm create(RealmSettings settings, RealmContext context) {
                context.requireService(javax.sql.DataSource.class);
                throw new AssertionError("unreachable");
            }
        };
        RealmContext context = new RealmContext() {
            @Override
            public String realmName() {
                return "db";
            }

            @Override
            public UserDirectory users() {
                return UserDirectory.inMemory(java.time.Clock.systemUTC());
            }

            @Override
            public Accounts accounts() {
                return new Accounts(users(), java.time.Clock.systemUTC());
            }

            @Override
            public java.time.Clock clock() {
                return java.time.Clock.systemUTC();
            }

            @Override
            public <T> java.util.Optional<T> service(Class<T> type) {
                return java.util.Optional.empty();
            }
        };

        assertThatThrownBy(() -> needsDataSource.create(RealmSettings.of("db", Map.of()), context))
                .hasMessageStartingWith("realm.db: needs a javax.sql.DataSource");
    }
}
