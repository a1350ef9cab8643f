package dev.gatehouse.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A username and a password, as sent with HTTP Basic authentication (RFC 7617). The password is
 * held as a {@link Password} so that it can be wiped once it has been checked.
 */
public record UsernamePassword(String name, Password password) implements Credentials {

    public UsernamePassword {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public Optional<String> username() {
        return Optional.of(name);
    }

    @Override
    public String toString() {
        return "UsernamePassword[name=" + name + ", password=<redacted>]";
    }
}
