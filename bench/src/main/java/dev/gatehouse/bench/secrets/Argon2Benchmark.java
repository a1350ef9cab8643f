package dev.gatehouse.bench.secrets;

import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one store-password key derivation: Argon2id (Bouncy Castle) at the default,
 * OWASP-minimum parameters (19 MiB, t = 2, p = 1) and at 64 MiB, t = 3 for comparison. Every read
 * or write of a password-protected secret pays it once. Key derivation is not public, so this
 * measures a password seal of 32 bytes, which is the derivation plus a few microseconds of GCM.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s 'secrets.Argon2Benchmark'
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class Argon2Benchmark {

    @Param({"19456:2", "65536:3"})
    String memoryAndIterations;

    private final char[] password = "Correct-Horse-7".toCharArray();
    private final byte[] plaintext = new byte[32];
    private final byte[] aad = "acme/db-password/DATA".getBytes(StandardCharsets.UTF_8);
    private SecretEnvelope envelope;

    @Setup
    public void setUp() {
        String[] p = memoryAndIterations.split(":");
        envelope = SecretEnvelope.withPassword(password,
                new Argon2Parameters(Integer.parseInt(p[0]), Integer.parseInt(p[1]), 1));
    }

    @Benchmark
    public byte[] sealWithPassword() {
        return envelope.seal(plaintext, aad);
    }
}
