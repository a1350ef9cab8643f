package dev.gatehouse.core;

class InMemoryUserDirectoryTest extends UserDirectoryContract {

    @Override
    protected UserDirectory directory() {
        return UserDirectory.inMemory(clock);
    }
}
