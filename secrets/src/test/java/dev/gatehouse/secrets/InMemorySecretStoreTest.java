package dev.gatehouse.secrets;

import dev.gatehouse.secrets.store.SecretStore;

class InMemorySecretStoreTest extends SecretStoreContract {
    @Override
    protected SecretStore open() {
        return SecretStore.inMemory();
    }
}
