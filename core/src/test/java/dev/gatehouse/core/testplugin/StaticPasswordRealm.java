package dev.gatehouse.core.testplugin;

import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RealmContext;
import dev.gatehouse.core.RealmSettings;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.UserType;
import dev.gatehouse.core.UsernamePassword;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Basic username/password checked against PBKDF2 hashes made at start-up from
 * {@code realm.<name>.user.<username>=<password>}. An unknown username is verified against a dummy
 * hash, so it costs one PBKDF2 like a wrong password does; {@link #verifications()} counts them.
 */
public final class StaticPasswordRealm implements Realm {

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Hash(byte[] salt, byte[] hash) {}

    private final String name;
    private final int iterations;
    private final boolean autoCreate;
    private final Set<String> admins;
    private final Map<String, Hash> users = new HashMap<>();
    private final Hash dummy;
    private final Accounts accounts;
    private final AtomicLong verifications = new AtomicLong();

    StaticPasswordRealm(RealmSettings settings, RealmContext context) {
        this.name = settings.realmName();
        this.iterations = settings.getInt("iterations", 1000, 1, 10_000_000);
        this.autoCreate = settings.getBoolean("autoCreate", true);
        this.admins = Set.copyOf(settings.getList("admins"));
        settings.getPrefixed("user").forEach((user, password) ->
                users.put(user.toLowerCase(Locale.ROOT), hash(password.toCharArray(), salt())));
        this.dummy = hash("dummy".toCharArray(), salt());
        this.accounts = context.accounts();
    }

    /** How many password hashes were computed to verify logins. */
    public long verifications() {
        return verifications.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        AuthorizationHeader h = request.authorization();
        return h instanceof AuthorizationHeader.Basic basic ? Optional.of(basic.credentials()) : Optional.empty();
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof UsernamePassword up)) {
            return AuthenticationResult.NotMine.instance();
        }
        if (up.password().isBlank()) {
            return AuthenticationResult.Rejected.because("blank password");
        }
        String username = up.name().toLowerCase(Locale.ROOT);
        Hash stored = users.get(username);
        Hash expected = stored != null ? stored : dummy; // same cost for an unknown user
        Hash presented = hash(up.password().revealChars(), expected.salt());
        boolean match = MessageDigest.isEqual(presented.hash(), expected.hash());
        if (stored == null || !match) {
            return AuthenticationResult.Rejected.because(stored == null ? "unknown user" : "wrong password");
        }
        ExternalUser user = ExternalUser.of(username, UserType.of("STATIC"))
                .withRoles(admins.contains(username) ? Set.of("admin") : Set.of())
                .withAttributes(Map.of("source", "static"));
        return accounts.signIn(name, user, autoCreate);
    }

    @Override
    public List<String> challenges() {
        return List.of("Basic realm=\"" + name + "\", charset=\"UTF-8\"");
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private Hash hash(char[] password, byte[] salt) {
        verifications.incrementAndGet();
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            byte[] h = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
            return new Hash(salt, h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
