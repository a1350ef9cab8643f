package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.jdbc.SchemaMigrations;
import dev.gatehouse.core.testing.H2Database;
import dev.gatehouse.core.testing.PostgresSchema;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract of every shipped {@link ProcessStore}: in memory, H2 and PostgreSQL. */
class ProcessStoreTest {

    private static PostgresSchema postgres;

    static Stream<Arguments> stores() {
        return Stream.of(
                Arguments.of("in-memory", (Function<ProcessStore.Builder, ProcessStore>) ProcessStore.Builder::inMemory),
                Arguments.of("h2", (Function<ProcessStore.Builder, ProcessStore>) b -> b.jdbc(h2WithSchema())),
                Arguments.of("postgresql", (Function<ProcessStore.Builder, ProcessStore>) b -> {
                    if (postgres == null) {
                        postgres = PostgresSchema.create("session_store");
                        SchemaMigrations.apply(postgres.dataSource(), "session");
                    }
                    return b.jdbc(postgres.dataSource());
                }));
    }

    @AfterAll
    static void drop() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    private static DataSource h2WithSchema() {
        DataSource ds = H2Database.create();
        SchemaMigrations.apply(ds, "session");
        return ds;
    }

    private static ProcessRef newProcess() {
        return new ProcessRef(UUID.randomUUID(), "acme", Optional.of("payments"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void registeredProcessIsFoundWithOrgProjectStatusAndUser(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        ProcessRef p = newProcess();
        UUID user = UUID.randomUUID();
        store.register(p, user, "RUNNING");
        ProcessState state = store.find(p.id()).orElseThrow();
        assertThat(state.process()).isEqualTo(p);
        assertThat(state.status()).isEqualTo("RUNNING");
        assertThat(state.currentUserId()).isEqualTo(user);
        assertThat(store.find(UUID.randomUUID())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void processWithoutProjectKeepsNoProject(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        ProcessRef p = new ProcessRef(UUID.randomUUID(), "acme", Optional.empty());
        store.register(p, UUID.randomUUID(), "NEW");
        assertThat(store.find(p.id()).orElseThrow().process().project()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void registeringTwiceFails(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "RUNNING");
        assertThatThrownBy(() -> store.register(p, UUID.randomUUID(), "RUNNING"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(p.id().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void statusAndUserChange(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "NEW");
        UUID bob = UUID.randomUUID();
        assertThat(store.updateStatus(p.id(), "SUSPENDED")).isTrue();
        assertThat(store.updateCurrentUser(p.id(), bob)).isTrue();
        assertThat(store.find(p.id()).orElseThrow()).extracting(ProcessState::status, ProcessState::currentUserId)
                .containsExactly("SUSPENDED", bob);
        assertThat(store.updateStatus(UUID.randomUUID(), "RUNNING")).isFalse();
        assertThat(store.updateCurrentUser(UUID.randomUUID(), bob)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void finalStatusCannotBeLeft(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "RUNNING");
        store.updateStatus(p.id(), "FINISHED");
        assertThatThrownBy(() -> store.updateStatus(p.id(), "RUNNING"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FINISHED");
        assertThat(store.find(p.id()).orElseThrow().status()).isEqualTo("FINISHED");
        assertThat(store.updateStatus(p.id(), "FINISHED")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void defaultAndAdditionalFinalStatuses(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder().additionalFinalStatuses("ARCHIVED"));
        for (String s : new String[] {"FINISHED", "FAILED", "CANCELLED", "TIMED_OUT", "ARCHIVED", "finished"}) {
            assertThat(store.isFinal(s)).as(s).isTrue();
        }
        for (String s : new String[] {"NEW", "RUNNING", "SUSPENDED", "RESUMING"}) {
            assertThat(store.isFinal(s)).as(s).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void removedProcessIsGone(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        ProcessRef p = newProcess();
        store.register(p, UUID.randomUUID(), "RUNNING");
        assertThat(store.remove(p.id())).isTrue();
        assertThat(store.find(p.id())).isEmpty();
        assertThat(store.remove(p.id())).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void blankStatusIsRefused(String name, Function<ProcessStore.Builder, ProcessStore> make) {
        ProcessStore store = make.apply(ProcessStore.builder());
        assertThatThrownBy(() -> store.register(newProcess(), UUID.randomUUID(), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
