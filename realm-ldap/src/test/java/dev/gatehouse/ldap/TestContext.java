package dev.gatehouse.ldap;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/** A realm context over an in-memory user directory and a clock the test moves. */
final class TestContext implements RealmContext {

    final MutableClock clock = new MutableClock();
    final UserDirectory users = UserDirectory.inMemory(clock);
    final Accounts accounts = new Accounts(users, clock);

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

    LdapRealm realm(Map<String, String> settings) {
        RealmSettings s = RealmSettings.of("ldap", settings);
        LdapRealm realm = LdapRealm.create(s, this);
        s.requireAllRead();
        return realm;
    }

    /** A clock that stands still until a test moves it. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
