package dev.gatehouse.secrets;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Callers, rings and managers for tests. */
final class Fixtures {

    static final String ORG = "acme";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

    private Fixtures() {}

    static Caller member() {
        return new Caller(UUID.randomUUID(), Set.of(ORG), Set.of(), false, Optional.empty());
    }

    static Caller memberOfTeam(UUID team) {
        return new Caller(UUID.randomUUID(), Set.of(ORG), Set.of(team), false, Optional.empty());
    }

    static Caller outsider() {
        return new Caller(UUID.randomUUID(), Set.of("other"), Set.of(), false, Optional.empty());
    }

    static Caller admin() {
        return new Caller(UUID.randomUUID(), Set.of(), Set.of(), true, Optional.empty());
    }

    static ProcessRef process(String project) {
        return new ProcessRef(UUID.randomUUID(), ORG, Optional.ofNullable(project));
    }

    static SecretManager manager(SecretStore store, ServerKeyRing ring) {
        return SecretManager.builder().store(store).keyRing(ring).clock(CLOCK).build();
    }

    /** A JDBC store on {@code ds}, its schema applied as a host does at start-up. */
    static SecretStore jdbc(DataSource ds) {
        SchemaMigrations.apply(ds, "secrets");
        return SecretStore.jdbc(ds);
    }

    static SecretManager manager() {
        return manager(SecretStore.inMemory(), ServerKeyRing.generate("k1"));
    }
}
