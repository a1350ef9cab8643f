package dev.gatehouse.secrets.crypto;

import dev.gatehouse.secrets.KeyUnavailableException;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.internal.Codec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * AES-256-GCM envelopes (NIST SP 800-38D) that say how to open them. An instance is an AEAD in the
 * manner of Tink: {@link #seal} and {@link #open} take plaintext or envelope and associated data,
 * and the caller never chooses a nonce, a salt or a key. Layout, versions 1 and 2:
 *
 * <pre>
 * "GHE" | version | algorithm=1 (AES-256-GCM) | kdf
 *   kdf=0 (server key): keyIdLength(u8) | keyId (ASCII)
 *   kdf=1 (Argon2id):   memoryKiB(u32) | iterations(u32) | parallelism(u8) | saltLength(u8)=16 | salt
 * nonce (12 random bytes) | ciphertext | tag (16 bytes)
 * </pre>
 *
 * The GCM associated data is the whole header followed by the caller's associated data, so neither
 * the key id, nor the KDF parameters, nor the record the envelope belongs to can be changed without
 * the tag failing. Decryption returns nothing before the tag checks ({@code Cipher.doFinal} on a
 * whole array). Nonces are random: 2^32 envelopes per key keep the collision risk under 2^-32.
 *
 * <p>Version 2 has the layout of version 1. The version says which associated data the envelope
 * was sealed with, so that its owner can change what it binds without breaking old envelopes:
 * {@link dev.gatehouse.secrets.SecretManager} binds the secret's org, name, id and type into both,
 * and in version 2 also the record version the envelope was sealed at. New envelopes are version 2;
 * both open. The version is part of the tag, so it cannot be changed to pick the older binding.
 *
 * <p>Two kinds of instance: {@link #withServerKeys(ServerKeyRing)} seals under the ring's primary
 * key and opens under any key of the ring; {@link #withPassword(char[], Argon2Parameters)} seals
 * under Argon2id of a store password with a fresh random salt and opens with the parameters and
 * salt the envelope's header records. Instances are immutable and thread-safe, except that a
 * password instance uses the caller's array, which the caller wipes when done.
 */
public final class SecretEnvelope {

    /** The format version of new envelopes. */
    public static final int VERSION = 2;
    /** The oldest format version that still opens. */
    public static final int OLDEST_VERSION = 1;
    /** The only algorithm of versions 1 and 2. */
    public static final String ALGORITHM = "AES-256-GCM";

    private static final byte[] MAGIC = {'G', 'H', 'E'};
    private static final int ALG_AES_256_GCM = 1;
    private static final int KDF_SERVER_KEY = 0;
    private static final int KDF_ARGON2ID = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerKeyRing ring;
    private final char[] password;
    private final Argon2Parameters argon2;

    private SecretEnvelope(ServerKeyRing ring, char[] password, Argon2Parameters argon2) {
        this.ring = ring;
        this.password = password;
        this.argon2 = argon2;
    }

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

    /** Envelopes under server keys: sealed with {@code ring}'s primary key, opened with any key of it. */
    public static SecretEnvelope withServerKeys(ServerKeyRing ring) {
        return new SecretEnvelope(Objects.requireNonNull(ring, "ring"), null, null);
    }

    /**
     * Envelopes under a store password: sealed with Argon2id at {@code sealParameters} and a fresh
     * random 16-byte salt, opened with the parameters and salt in the envelope's header. The array
     * is used as given, not copied: the caller wipes it when done with this instance.
     */
    public static SecretEnvelope withPassword(char[] password, Argon2Parameters sealParameters) {
        return new SecretEnvelope(null, Objects.requireNonNull(password, "password"),
                Objects.requireNonNull(sealParameters, "sealParameters"));
    }

    /**
     * Seals {@code plaintext}, bound to {@code associatedData}.
     *
     * @throws KeyUnavailableException if the ring's primary key is missing (never for a ring built
     *     by {@link ServerKeyRing})
     */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        if (ring != null) {
            String id = ring.primaryId();
            byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
            byte[] header = new Codec.Writer().raw(MAGIC).u8(VERSION).u8(ALG_AES_256_GCM).u8(KDF_SERVER_KEY)
                    .u8(idBytes.length).raw(idBytes).toByteArray();
            return seal(ring.insecureKey(id), header, plaintext, associatedData);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] header = new Codec.Writer().raw(MAGIC).u8(VERSION).u8(ALG_AES_256_GCM).u8(KDF_ARGON2ID)
                .u32(argon2.memoryKiB()).u32(argon2.iterations()).u8(argon2.parallelism()).u8(SALT_BYTES).raw(salt)
                .toByteArray();
        byte[] key = argon2(password, salt, argon2);
        try {
            return seal(new SecretKeySpec(key, "AES"), header, plaintext, associatedData);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Opens {@code envelope}, which must be bound to {@code associatedData}.
     *
     * @throws KeyUnavailableException if it names a server key the ring lacks
     * @throws SecretException {@link Kind#CORRUPTED} if it is truncated, modified, bound to other
     *     associated data, or sealed the other way (password vs server key); for a password instance,
     *     {@link Kind#INVALID_PASSWORD} ("{@value SecretException#INVALID_PASSWORD_MESSAGE}") for a
     *     wrong or empty password and for modified data alike
     */
    public byte[] open(byte[] envelope, byte[] associatedData) {
        Objects.requireNonNull(associatedData, "associatedData");
        Parsed p = parse(envelope);
        if (ring != null) {
            if (p.header.serverKeyId().isEmpty()) {
                throw new SecretException(Kind.CORRUPTED, "The envelope is sealed with a store password, not a server key");
            }
            return open(ring.insecureKey(p.header.serverKeyId().get()), envelope, p, associatedData, Kind.CORRUPTED);
        }
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
     * @throws SecretException {@link Kind#CORRUPTED} if it is not a readable envelope
     */
    public static Header header(byte[] envelope) {
        return parse(envelope).header;
    }

    private record Parsed(Header header, byte[] salt, int headerLength) {}

    private static Parsed parse(byte[] envelope) {
        Objects.requireNonNull(envelope, "envelope");
        try {
            Codec.Reader r = new Codec.Reader(envelope);
            if (!Arrays.equals(r.raw(3), MAGIC)) {
                throw corrupted("it is not a Gatehouse envelope");
            }
            int version = r.u8();
            if (version < OLDEST_VERSION || version > VERSION) {
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

    /** Argon2id (RFC 9106, version 0x13) of {@code password}: a 256-bit key. Not public: no caller needs a raw key. */
    private static byte[] argon2(char[] password, byte[] salt, Argon2Parameters params) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params.bouncyCastle(salt).build());
        byte[] key = new byte[32];
        gen.generateBytes(password, key);
        return key;
    }

    @Override
    public String toString() {
        return ring != null ? "SecretEnvelope[server keys " + ring.ids() + ", primary " + ring.primaryId() + "]"
                : "SecretEnvelope[store password, " + argon2 + "]";
    }
}
