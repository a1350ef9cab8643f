package dev.gatehouse.bench.secrets;

import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
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
 * AES-256-GCM envelopes: seal and open of 1 KiB and 1 MiB with a server key, next to what Concord
 * does on every secret read (SHA-256 of salt and password, then AES-ECB without integrity).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s 'secrets.EnvelopeBenchmark'
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class EnvelopeBenchmark {

    @Param({"1024", "1048576"})
    int size;

    private final SecretEnvelope gcm = SecretEnvelope.withServerKeys(ServerKeyRing.generate("k1"));
    private final byte[] aad = "acme/db-password/DATA".getBytes(StandardCharsets.UTF_8);
    private final byte[] salt = new byte[16];
    private final byte[] serverPassword = "concord-server-password".getBytes(StandardCharsets.UTF_8);
    private byte[] plaintext;
    private byte[] envelope;
    private byte[] concordCiphertext;

    @Setup
    public void setUp() throws Exception {
        plaintext = new byte[size];
        new SecureRandom().nextBytes(plaintext);
        envelope = gcm.seal(plaintext, aad);
        concordCiphertext = concord(Cipher.ENCRYPT_MODE, plaintext);
    }

    private byte[] concord(int mode, byte[] input) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(salt);
        md.update(serverPassword);
        Cipher c = Cipher.getInstance("AES");
        c.init(mode, new SecretKeySpec(md.digest(), "AES"));
        return c.doFinal(input);
    }

    @Benchmark
    public byte[] gcmSeal() {
        return gcm.seal(plaintext, aad);
    }

    @Benchmark
    public byte[] gcmOpen() {
        return gcm.open(envelope, aad);
    }

    /** Concord's read path: no integrity, so a tampered ciphertext may decrypt to garbage. */
    @Benchmark
    public byte[] concordEcbOpen() throws Exception {
        return concord(Cipher.DECRYPT_MODE, concordCiphertext);
    }
}
