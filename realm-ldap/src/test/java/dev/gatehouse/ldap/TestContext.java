package dev.gatehouse.ldap;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.testing.MutableClock;
import dev.gatehouse.ldap.internal.LdapRealmProvider;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A realm context over an in-memory user directory and core's test clock, which the test moves. */
final class TestContext implements RealmContext {

    final MutableClock clock = MutableClock.atEpochOfTests();
    final UserDirectory users;
    final Accounts accounts;

    TestContext() {
        this.users = UserDirectory.inMemory(clock);
        this.accounts = new Accounts(users, clock, java.time.Duration.ofSeconds(1), () -> clock.millis() * 1_000_000L);
    }

    /** A context whose sign-ins go to {@code users} (e.g. one that can be made to fail). */
    TestContext(UserDirectory users) {
        this.users = users;
        this.accounts = new Accounts(users, clock, java.time.Duration.ofSeconds(1), () -> clock.millis() * 1_000_000L);
    }

    @Override
    public String realmName() {
        return "ldap";
    }

    @Override
    public UserDirectory users() {
        return users;
    }

    @Override
    public Accounts accounts() {
        return accounts;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return Optional.empty();
    }

    /** The realm as the provider builds it from {@code realm.ldap.*} settings; unknown keys fail. */
    LdapRealm realm(Map<String, String> settings) {
        RealmSettings s = RealmSettings.of("ldap", settings);
        LdapRealm realm = (LdapRealm) new LdapRealmProvider().create(s, this);
        s.requireAllRead();
        return realm;
    }

    /** A builder for realm {@code ldap} over this context's accounts and clock. */
    LdapRealm.Builder builder() {
        return LdapRealm.builder("ldap", accounts).clock(clock);
    }
}
