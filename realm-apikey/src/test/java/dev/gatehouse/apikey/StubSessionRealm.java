package dev.gatehouse.apikey;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.User;
import java.util.Optional;
import java.util.Set;

/** Stands in for the session realm: any {@code X-Concord-SessionToken} "valid" is {@code user}. */
final class StubSessionRealm implements Realm {

    static final String HEADER = "X-Concord-SessionToken";
    private final User user;

    StubSessionRealm(User user) {
        this.user = user;
    }

    @Override
    public String name() {
        return "session";
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        return request.header(HEADER).map(TokenCredentials::new);
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        return credentials instanceof TokenCredentials t && t.token().equals("valid")
                ? new AuthenticationResult.Authenticated(Identity.of(user, "session"))
                : AuthenticationResult.Rejected.because("bad session token");
    }

    @Override
    public Set<String> credentialHeaders() {
        return Set.of(HEADER);
    }
}
