package dev.gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.PostgresSchema;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import org.junit.jupiter.api.Test;

class PostgresSecretStoreTest extends SecretStoreContract {

    private PostgresSchema schema;

    @Override
    protected SecretStore open() {
        schema = PostgresSchema.create("secrets");
        return Fixtures.jdbc(schema.dataSource());
    }

    @Override
    protected void cleanUp() {
        schema.close();
    }

    @Test
    void anUpdateOnAnotherNodeMakesThisNodesStaleUpdateAConflict() {
        SecretStore otherNode = SecretStore.jdbc(schema.anotherDataSource());
        ServerKeyRing ring = ServerKeyRing.generate("k1");
        SecretManager here = Fixtures.manager(store, ring);
        SecretManager there = Fixtures.manager(otherNode, ring);
        Caller alice = Fixtures.member();
        here.create(alice, NewSecret.builder("acme", "shared", SecretValue.ofString("v1")).build());
        long version = here.metadata(alice, "acme", "shared").version();
        there.update(alice, "acme", "shared", SecretUpdate.builder().value(SecretValue.ofString("there")).expectedVersion(version).build());
        SecretManagerTest.assertKind(() -> here.update(alice, "acme", "shared",
                SecretUpdate.builder().value(SecretValue.ofString("here")).expectedVersion(version).build()),
                SecretException.Kind.CONFLICT);
        assertThat(((SecretValue.Data) here.read(alice, "acme", "shared")).asString()).isEqualTo("there");
        // both nodes share one project key
        String enc = here.encryptedStrings().encrypt("acme", "proj", "x");
        assertThat(there.encryptedStrings().decrypt("acme", "proj", enc)).isEqualTo("x");
    }
}
