package dev.gatehouse.apikey;

class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {

    private final ApiKeyStore store = ApiKeyStore.inMemory();

    @Override
    ApiKeyStore store() {
        return store;
    }
}
