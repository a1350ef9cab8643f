package dev.gatehouse.secrets;

import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.internal.Codec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * AES-256-GCM envelopes (NIST SP 800-38D) that say how to open them. Layout, version 1:
 *
 * <pre>
 * "GHE" | version=1 | algorithm=1 (AES-256-GCM) | kdf
 *   kdf=0 (server key): keyIdLength(u8) | keyId (ASCII)
 *   kdf=1 (Argon2id):   memoryKiB(u32) | iterations(u32) | parallelism(u8) | saltLength(u8)=16 | salt
 * nonce (12 random bytes) | ciphertext | tag (16 bytes)
 * </pre>
 *
 * The GCM associated data is the whole header followed by the caller's associated data, so neither
 * the key id, nor the KDF parameters, nor the record the envelope belongs to can be changed without
 * the tag failing. Decryption returns nothing before the tag checks ({@code Cipher.doFinal} on a
 * whole array). Nonces are random: 2^32 envelopes per key keep the collision risk under 2^-32.
 * Stateless, thread-safe.
 */
public final class SecretEnvelope {

    /** The current format version. */
    public static final int VERSION = 1;
    /** The only algorithm of version 1. */
    public static final String ALGORITHM = "AES-256-GCM";

    private static final byte[] MAGIC = {'G', 'H', 'E'};
    private static final int ALG_AES_256_GCM = 1;
    private static final int KDF_SERVER_KEY = 0;
    private static final int KDF_ARGON2ID = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretEnvelope() {}

    /**
     * What an envelope's header says.
     *
     * @param version the format version
     * @param algorithm {@value #ALGORITHM}
     * @param serverKeyId the server key, for envelopes sealed with one
     * @param argon2 the KDF parameters, for envelopes sealed with a store password
     */
    public record Header(int version, String algorithm, Optional<String> serverKeyId, Optional<Argon2Parameters> argon2) {
        /** Whether a store password opens this envelope. */
        public boolean passwordProtected() {
            return argon2.isPresent();
        }
    }

    /** Seals {@code plaintext} with the ring's primary key. */
    public static byte[] seal(ServerKeyRing ring, byte[] plaintext, byte[] associatedData) {
        String id = ring.primaryId();
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        byte[] header = new Codec.Writer().raw(MAGIC).u8(VERSION).u8(ALG_AES_256_GCM).u8(KDF_SERVER_KEY)
                .u8(idBytes.length).raw(idBytes).toByteArray();
        return seal(ring.insecureKey(id), header, plaintext, associatedData);
    }

    /**
     * Seals {@code plaintext} with a key derived from {@code password} by Argon2id with a random
     * 16-byte salt; the parameters and salt go into the header. The caller keeps and wipes the password.
     */
    public static byte[] sealWithPassword(char[] password, Argon2Parameters params, byte[] plaintext,
            byte[] associatedData) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] header = new Codec.Writer().raw(MAGIC).u8(VERSION).u8(ALG_AES_256_GCM).u8(KDF_ARGON2ID)
                .u32(params.memoryKiB()).u32(params.iterations()).u8(params.parallelism()).u8(SALT_BYTES).raw(salt)
                .toByteArray();
        byte[] key = argon2(password, salt, params);
        try {
            return seal(new SecretKeySpec(key, "AES"), header, plaintext, associatedData);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Opens an envelope sealed with a server key.
     *
     * @throws SecretException {@link Kind#UNKNOWN_KEY} if its key is not in the ring; {@link Kind#CORRUPTED}
     *     if it is truncated, modified, bound to other associated data or sealed with a store password
     */
    public static byte[] open(ServerKeyRing ring, byte[] envelope, byte[] associatedData) {
        Parsed p = parse(envelope);
        if (p.header.serverKeyId().isEmpty()) {
            throw new SecretException(Kind.CORRUPTED, "The envelope is sealed with a store password, not a server key");
        }
        return open(ring.insecureKey(p.header.serverKeyId().get()), envelope, p, associatedData, Kind.CORRUPTED);
    }

    /**
     * Opens an envelope sealed with a store password.
     *
     * @throws SecretException {@link Kind#INVALID_PASSWORD} ("{@value SecretException#INVALID_PASSWORD_MESSAGE}")
     *     for a wrong or empty password and for modified data alike; {@link Kind#CORRUPTED} if the header
     *     cannot be read or names a server key
     */
    public static byte[] openWithPassword(char[] password, byte[] envelope, byte[] associatedData) {
        Parsed p = parse(envelope);
        if (p.header.argon2().isEmpty()) {
            throw new SecretException(Kind.CORRUPTED, "The envelope is sealed with a server key, not a store password");
        }
        if (password.length == 0) {
            throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
        }
        byte[] key = argon2(password, p.salt, p.header.argon2().get());
        try {
            return open(new SecretKeySpec(key, "AES"), envelope, p, associatedData, Kind.INVALID_PASSWORD);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Reads an envelope's header without opening it.
     *
     * @throws SecretException {@link Kind#CORRUPTED} if it is not a readable version-1 envelope
     */
    public static Header header(byte[] envelope) {
        return parse(envelope).header;
    }

    private record Parsed(Header header, byte[] salt, int headerLength) {}

    private static Parsed parse(byte[] envelope) {
        try {
            Codec.Reader r = new Codec.Reader(envelope);
            if (!Arrays.equals(r.raw(3), MAGIC)) {
                throw corrupted("it is not a Gatehouse envelope");
            }
            int version = r.u8();
            if (version != VERSION) {
                throw corrupted("unsupported envelope version " + version);
            }
            int alg = r.u8();
            if (alg != ALG_AES_256_GCM) {
                throw corrupted("unsupported algorithm " + alg);
            }
            int kdf = r.u8();
            Header header;
            byte[] salt = null;
            if (kdf == KDF_SERVER_KEY) {
                String id = new String(r.raw(r.u8()), StandardCharsets.US_ASCII);
                header = new Header(version, ALGORITHM, Optional.of(id), Optional.empty());
            } else if (kdf == KDF_ARGON2ID) {
                long m = r.u32();
                long t = r.u32();
                int par = r.u8();
                int saltLength = r.u8();
                if (saltLength != SALT_BYTES) {
                    throw corrupted("unexpected salt length " + saltLength);
                }
                salt = r.raw(saltLength);
                Argon2Parameters params;
                try {
                    params = new Argon2Parameters((int) Math.min(m, Integer.MAX_VALUE),
                            (int) Math.min(t, Integer.MAX_VALUE), par);
                } catch (IllegalArgumentException e) {
                    throw corrupted(e.getMessage());
                }
                header = new Header(version, ALGORITHM, Optional.empty(), Optional.of(params));
            } else {
                throw corrupted("unsupported key derivation " + kdf);
            }
            if (r.remaining() < NONCE_BYTES + TAG_BYTES) {
                throw corrupted("it is truncated");
            }
            return new Parsed(header, salt, r.position());
        } catch (Codec.Truncated e) {
            throw corrupted("it is truncated");
        }
    }

    private static SecretException corrupted(String why) {
        return new SecretException(Kind.CORRUPTED, "The envelope cannot be opened: " + why);
    }

    private static byte[] seal(SecretKey key, byte[] header, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(header);
            c.updateAAD(associatedData);
            byte[] out = new byte[header.length + NONCE_BYTES + c.getOutputSize(plaintext.length)];
            System.arraycopy(header, 0, out, 0, header.length);
            System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
            c.doFinal(plaintext, 0, plaintext.length, out, header.length + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] open(SecretKey key, byte[] envelope, Parsed p, byte[] associatedData, Kind onFailure) {
        int h = p.headerLength;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, envelope, h, NONCE_BYTES));
            c.updateAAD(envelope, 0, h);
            c.updateAAD(associatedData);
            return c.doFinal(envelope, h + NONCE_BYTES, envelope.length - h - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretException(onFailure, onFailure == Kind.INVALID_PASSWORD
                    ? SecretException.INVALID_PASSWORD_MESSAGE
                    : "The envelope cannot be opened: it was modified, truncated or belongs to another record");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    static byte[] argon2(char[] password, byte[] salt, Argon2Parameters params) {
        org.bouncycastle.crypto.params.Argon2Parameters p =
                new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                        org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                        .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                        .withMemoryAsKB(params.memoryKiB())
                        .withIterations(params.iterations())
                        .withParallelism(params.parallelism())
                        .withSalt(salt)
                        .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(p);
        byte[] key = new byte[32];
        gen.generateBytes(password, key);
        return key;
    }

    /** Derives a 256-bit key from {@code password}: Argon2id at {@code params}, for benchmarks and tests. */
    public static byte[] deriveKey(char[] password, byte[] salt, Argon2Parameters params) {
        return argon2(password, salt, params);
    }
}
