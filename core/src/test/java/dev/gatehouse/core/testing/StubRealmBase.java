package dev.gatehouse.core.testing;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import java.util.Optional;

/** A realm that recognises nothing, for tests that need a realm with extra behaviour. */
public class StubRealmBase implements Realm {

    private final String name;

    public StubRealmBase(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        return Optional.empty();
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        return AuthenticationResult.NotMine.instance();
    }
}
