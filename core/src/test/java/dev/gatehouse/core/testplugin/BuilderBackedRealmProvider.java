package dev.gatehouse.core.testplugin;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmProvider;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.RequestView;
import java.time.Duration;
import java.util.Optional;

/**
 * A provider in the shape every realm module follows: it only maps {@code realm.<name>.*} onto a
 * builder, and the builder validates, failing with an {@link IllegalArgumentException} whose
 * message starts with the setting's name. Core turns that into a {@code ConfigurationException}
 * naming the full key. Type {@code builder-backed}.
 */
public final class BuilderBackedRealmProvider implements RealmProvider {

    @Override
    public String type() {
        return "builder-backed";
    }

    @Override
    public Realm create(RealmSettings settings, RealmContext context) {
        Builder b = new Builder(settings.realmName());
        settings.get("revocationBound").map(Duration::parse).ifPresent(b::revocationBound);
        settings.get("mode").ifPresent(b::mode);
        return b.build();
    }

    /** The realm's builder: the one place that knows defaults and checks. */
    public static final class Builder {
        private final String name;
        private Duration revocationBound = Duration.ofSeconds(1);

        Builder(String name) {
            this.name = name;
        }

        public Builder revocationBound(Duration bound) {
            if (bound.isZero() || bound.isNegative()) {
                throw new IllegalArgumentException("revocationBound must be positive, was " + bound);
            }
            this.revocationBound = bound;
            return this;
        }

        public Builder mode(String mode) {
            if (!mode.equals("strict")) {
                // A message that does not start with a setting name.
                throw new IllegalArgumentException("only strict mode is supported, was " + mode);
            }
            return this;
        }

        public Realm build() {
            return new BuiltRealm(name, revocationBound);
        }
    }

    /** What the builder builds. */
    public record BuiltRealm(String name, Duration revocationBound) implements Realm {
        @Override
        public Optional<Credentials> credentials(RequestView request) {
            return Optional.empty();
        }

        @Override
        public AuthenticationResult authenticate(Credentials credentials) {
            return AuthenticationResult.NotMine.instance();
        }
    }
}
