package dev.gatehouse.secrets;

class InMemorySecretStoreTest extends SecretStoreContract {
    @Override
    protected SecretStore open() {
        return SecretStores.inMemory();
    }
}
