package dev.gatehouse.core.testing;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.TokenCredentials;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A realm for tests: reads a token from a named header and answers with whatever
 * {@code verdict} says. Counts how often it was asked to verify.
 */
public final class StubRealm implements Realm {

    private final String name;
    private final String header;
    private final Function<String, AuthenticationResult> verdict;
    private final AtomicInteger verified = new AtomicInteger();

    public StubRealm(String name, String header, Function<String, AuthenticationResult> verdict) {
        this.name = name;
        this.header = header;
        this.verdict = verdict;
    }

    /** A realm that authenticates the token {@code secret} as user {@code username} with {@code roles}. */
    public static StubRealm accepting(String name, String header, String secret, String username, Set<String> roles) {
        Identity identity = Identity.builder(UUID.nameUUIDFromBytes(username.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                username, name).roles(roles).build();
        return new StubRealm(name, header, token -> token.equals(secret)
                ? new AuthenticationResult.Authenticated(identity)
                : AuthenticationResult.Rejected.because("wrong token"));
    }

    public int verified() {
        return verified.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        return request.header(header).map(TokenCredentials::new);
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        verified.incrementAndGet();
        return verdict.apply(((TokenCredentials) credentials).token());
    }

    @Override
    public Set<String> credentialHeaders() {
        return Set.of(header);
    }

    @Override
    public List<String> challenges() {
        return List.of("Bearer realm=\"" + name + "\"");
    }
}
