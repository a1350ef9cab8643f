package dev.gatehouse.bench.session;

import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.NewUser;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.ProcessStore;
import dev.gatehouse.session.SessionRealm;
import dev.gatehouse.session.SessionTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Session-token verification, one thread (so the numbers are per core), all in one run:
 *
 * <ul>
 *   <li>{@code nimbusParseAndDecrypt}: Nimbus's own {@code JWEObject.parse} + {@code decrypt} of the
 *       same tokens: the floor any JWE verification pays, and the baseline of the 85% goal;
 *   <li>{@code coldVerification}: the session realm with its cache off ({@code revocationBound=0}),
 *       over a pool of tokens of different processes: shape and header checks, decryption, claims,
 *       registry, user record;
 *   <li>{@code repeatedVerification}: the same realm with the verified-token cache on (revocation
 *       bound 1 s), the same token presented again: the registry is still asked every time, the
 *       user's standing comes from the cache; {@code repeatedRequest} copies the token into a fresh
 *       string and reads it from a request view first, as it would come off a request;
 *   <li>{@code concordScheme}: what Concord does: base64, AES-ECB decrypt of the process id, the
 *       same registry lookup and final-status check (no expiry, no integrity).
 * </ul>
 *
 * <p>Registry and user directory are the in-memory ones, so that the numbers measure the token
 * work, not a database. Run: {@code java -jar bench/target/benchmarks.jar SessionToken}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class SessionTokenBenchmark {

    private static final int POOL = 1024;
    private static final byte[] SALT = "salt".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SERVER_PASSWORD = "password".getBytes(StandardCharsets.UTF_8);

    private SessionRealm coldRealm;
    private SessionRealm cachedRealm;
    private ProcessStore store;
    private DirectDecrypter nimbusDecrypter;
    private SecretKeySpec concordKey;
    private String[] tokens;
    private Credentials[] coldCredentials;
    private String[] concordTokens;
    private String repeatedToken;
    private Credentials repeatedCredentials;

    /** Per-thread cursor over the pools. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;

        int next() {
            i = (i + 1) & (POOL - 1);
            return i;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Clock clock = Clock.systemUTC();
        UserDirectory users = UserDirectory.inMemory(clock);
        store = ProcessStore.inMemory();
        coldRealm = realm(users, clock, key, Duration.ZERO);
        cachedRealm = realm(users, clock, key, Duration.ofSeconds(1));
        nimbusDecrypter = new DirectDecrypter(new SecretKeySpec(key, "AES"));
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(SALT);
        md5.update(SERVER_PASSWORD);
        concordKey = new SecretKeySpec(md5.digest(), "AES");

        SessionTokens issuer = coldRealm.tokens();
        tokens = new String[POOL];
        coldCredentials = new Credentials[POOL];
        concordTokens = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            User user = users.create(NewUser.of("user" + i, UserType.LOCAL));
            ProcessRef process = new ProcessRef(UUID.randomUUID(), "acme", Optional.of("bench"));
            store.register(process, user.id(), "RUNNING");
            tokens[i] = issuer.issue(process.id());
            coldCredentials[i] = credentials(coldRealm, tokens[i]);
            Cipher aes = Cipher.getInstance("AES/ECB/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, concordKey);
            concordTokens[i] = Base64.getEncoder().encodeToString(
                    aes.doFinal(process.id().toString().getBytes(StandardCharsets.UTF_8)));
        }
        repeatedToken = tokens[0];
        repeatedCredentials = credentials(cachedRealm, repeatedToken);
        check(coldRealm.authenticate(coldCredentials[1]));
        check(cachedRealm.authenticate(credentials(cachedRealm, repeatedToken)));
    }

    private SessionRealm realm(UserDirectory users, Clock clock, byte[] key, Duration revocationBound) {
        return SessionRealm.builder("session", store, users).key("k1", key).clock(clock)
                .revocationBound(revocationBound).build();
    }

    private static Credentials credentials(Realm realm, String token) {
        return realm.credentials(RequestView.builder().header("X-Concord-SessionToken", token).build()).orElseThrow();
    }

    private static void check(AuthenticationResult r) {
        if (!(r instanceof AuthenticationResult.Authenticated)) {
            throw new IllegalStateException("benchmark set-up: token not accepted: " + r);
        }
    }

    @Benchmark
    public Object nimbusParseAndDecrypt(Cursor c) throws Exception {
        JWEObject jwe = JWEObject.parse(tokens[c.next()]);
        jwe.decrypt(nimbusDecrypter);
        return jwe.getPayload();
    }

    @Benchmark
    public AuthenticationResult coldVerification(Cursor c) {
        return coldRealm.authenticate(coldCredentials[c.next()]);
    }

    @Benchmark
    public AuthenticationResult repeatedVerification() {
        // The cache finds entries by a substring of the token (hashed afresh on every call) and
        // compares the whole token in constant time, so reusing one credentials object saves nothing.
        return cachedRealm.authenticate(repeatedCredentials);
    }

    @Benchmark
    public AuthenticationResult repeatedRequest() {
        // The same, with the token copied into a new string and read from a request view first.
        return cachedRealm.authenticate(credentials(cachedRealm, new String(repeatedToken.toCharArray())));
    }

    @Benchmark
    public Object concordScheme(Cursor c) throws Exception {
        byte[] cipherText = Base64.getDecoder().decode(concordTokens[c.next()]);
        Cipher aes = Cipher.getInstance("AES/ECB/PKCS5Padding");
        aes.init(Cipher.DECRYPT_MODE, concordKey);
        UUID processId = UUID.fromString(new String(aes.doFinal(cipherText), StandardCharsets.US_ASCII));
        Optional<ProcessState> state = store.find(processId);
        if (state.isEmpty() || store.isFinal(state.get().status())) {
            throw new IllegalStateException("refused");
        }
        return state.get();
    }
}
