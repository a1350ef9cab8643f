package dev.gatehouse.bench.apikey;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.TokenCredentials;
import java.util.Optional;

/** Accepts any bare token as one fixed identity: the cost of the filter and engine alone. Bench only. */
final class FixedIdentityRealm implements Realm {

    private final AuthenticationResult.Authenticated result;

    FixedIdentityRealm(Identity identity) {
        this.result = new AuthenticationResult.Authenticated(identity);
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        return request.authorization() instanceof AuthorizationHeader.Bare bare
                ? Optional.of(new TokenCredentials(bare.token()))
                : Optional.empty();
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        return result;
    }
}
