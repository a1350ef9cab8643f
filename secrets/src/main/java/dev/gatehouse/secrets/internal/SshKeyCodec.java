package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.ConstantTime;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeyType;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * OpenSSH key encodings: the {@code openssh-key-v1} private key format (OpenSSH's PROTOCOL.key),
 * public key blobs (RFC 4253 section 6.6, RFC 5656 section 3.1, RFC 8709 section 4) and reading
 * PKCS#1, SEC1 and PKCS#8 PEM. Stateless, thread-safe.
 */
public final class SshKeyCodec {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] AUTH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final X9ECParameters P256 = ECNamedCurveTable.getByName("P-256");
    private static final ECNamedDomainParameters P256_DOMAIN = new ECNamedDomainParameters(
            SECObjectIdentifiers.secp256r1, P256);

    private SshKeyCodec() {}

    private static SecretException invalid(String message) {
        return new SecretException(Kind.INVALID_INPUT, message);
    }

    /** A new key pair; see {@link dev.gatehouse.secrets.SshKeys#generate(SshKeyType, String)}. */
    public static SecretValue.KeyPair generate(SshKeyType type, String comment) {
        if (comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0) {
            throw invalid("An SSH key comment cannot contain a line break");
        }
        AsymmetricCipherKeyPair kp;
        switch (type) {
            case ED25519 -> {
                Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
                g.init(new Ed25519KeyGenerationParameters(RANDOM));
                kp = g.generateKeyPair();
            }
            case RSA_4096 -> {
                RSAKeyPairGenerator g = new RSAKeyPairGenerator();
                g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), RANDOM, 4096, 112));
                kp = g.generateKeyPair();
            }
            default -> {
                ECKeyPairGenerator g = new ECKeyPairGenerator();
                g.init(new ECKeyGenerationParameters(P256_DOMAIN, RANDOM));
                kp = g.generateKeyPair();
            }
        }
        AsymmetricKeyParameter priv = kp.getPrivate();
        return new SecretValue.KeyPair(publicLine(priv, comment), encodePrivatePem(priv, comment));
    }

    /** Checks and re-encodes a pair; see {@link dev.gatehouse.secrets.SshKeys#importPair}. */
    public static SecretValue.KeyPair importPair(String publicLine, byte[] privatePem) {
        AsymmetricKeyParameter priv = parsePrivate(privatePem);
        String[] parts = publicLine.strip().split("\\s+", 3);
        String comment = parts.length == 3 ? parts[2] : "";
        checkPair(publicLine, priv);
        return new SecretValue.KeyPair(publicLine.strip(), encodePrivatePem(priv, comment));
    }

    /** Refuses a pair whose public key line is not the public half of the private key. */
    public static void checkPair(String publicLine, byte[] privatePem) {
        checkPair(publicLine, parsePrivate(privatePem));
    }

    private static void checkPair(String publicLine, AsymmetricKeyParameter priv) {
        if (publicLine.length() > 8192 || publicLine.strip().contains("\n")) {
            throw invalid("The public key must be one authorized_keys line of at most 8192 characters");
        }
        String[] parts = publicLine.strip().split("\\s+", 3);
        if (parts.length < 2) {
            throw invalid("The public key is not an authorized_keys line ('type base64 [comment]')");
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw invalid("The public key is not an authorized_keys line: its key is not base64");
        }
        byte[] derived = publicBlob(priv);
        if (!parts[0].equals(typeName(priv)) || !ConstantTime.equals(given, derived)) {
            throw invalid("The public and private keys do not belong together");
        }
    }

    /** {@code type base64 [comment]}. */
    public static String publicLine(AsymmetricKeyParameter priv, String comment) {
        String line = typeName(priv) + " " + Base64.getEncoder().encodeToString(publicBlob(priv));
        return comment.isEmpty() ? line : line + " " + comment;
    }

    private static String typeName(AsymmetricKeyParameter priv) {
        if (priv instanceof Ed25519PrivateKeyParameters) {
            return "ssh-ed25519";
        }
        if (priv instanceof RSAPrivateCrtKeyParameters) {
            return "ssh-rsa";
        }
        return "ecdsa-sha2-nistp256";
    }

    private static byte[] publicBlob(AsymmetricKeyParameter priv) {
        Codec.Writer w = new Codec.Writer().string(typeName(priv));
        if (priv instanceof Ed25519PrivateKeyParameters ed) {
            return w.bytes(ed.generatePublicKey().getEncoded()).toByteArray();
        }
        if (priv instanceof RSAPrivateCrtKeyParameters rsa) {
            return w.bytes(rsa.getPublicExponent().toByteArray()).bytes(rsa.getModulus().toByteArray()).toByteArray();
        }
        return w.string("nistp256").bytes(ecPoint((ECPrivateKeyParameters) priv).getEncoded(false)).toByteArray();
    }

    private static ECPoint ecPoint(ECPrivateKeyParameters ec) {
        return new FixedPointCombMultiplier().multiply(ec.getParameters().getG(), ec.getD()).normalize();
    }

    /** The {@code openssh-key-v1} file, unencrypted, as PEM. */
    static byte[] encodePrivatePem(AsymmetricKeyParameter priv, String comment) {
        Codec.Writer section = new Codec.Writer();
        int check = RANDOM.nextInt();
        section.u32(check & 0xffffffffL).u32(check & 0xffffffffL).string(typeName(priv));
        if (priv instanceof Ed25519PrivateKeyParameters ed) {
            byte[] pub = ed.generatePublicKey().getEncoded();
            byte[] seedAndPub = new byte[64];
            System.arraycopy(ed.getEncoded(), 0, seedAndPub, 0, 32);
            System.arraycopy(pub, 0, seedAndPub, 32, 32);
            section.bytes(pub).bytes(seedAndPub);
            Arrays.fill(seedAndPub, (byte) 0);
        } else if (priv instanceof RSAPrivateCrtKeyParameters rsa) {
            section.bytes(rsa.getModulus().toByteArray()).bytes(rsa.getPublicExponent().toByteArray())
                    .bytes(rsa.getExponent().toByteArray()).bytes(rsa.getQInv().toByteArray())
                    .bytes(rsa.getP().toByteArray()).bytes(rsa.getQ().toByteArray());
        } else {
            ECPrivateKeyParameters ec = (ECPrivateKeyParameters) priv;
            section.string("nistp256").bytes(ecPoint(ec).getEncoded(false)).bytes(ec.getD().toByteArray());
        }
        section.string(comment);
        byte[] body = section.toByteArray();
        int pad = (8 - body.length % 8) % 8;
        Codec.Writer padded = new Codec.Writer().raw(body);
        for (int i = 1; i <= pad; i++) {
            padded.u8(i);
        }
        byte[] file = new Codec.Writer().raw(AUTH_MAGIC).string("none").string("none").string("").u32(1)
                .bytes(publicBlob(priv)).bytes(padded.toByteArray()).toByteArray();
        Arrays.fill(body, (byte) 0);
        String b64 = Base64.getMimeEncoder(70, new byte[] {'\n'}).encodeToString(file);
        Arrays.fill(file, (byte) 0);
        return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + b64 + "\n-----END OPENSSH PRIVATE KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code pem} is an OpenSSH private key file (by its first line). */
    public static boolean isOpenSsh(byte[] pem) {
        return new String(pem, 0, Math.min(pem.length, 64), StandardCharsets.US_ASCII).strip()
                .startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    }

    /** Reads a PEM private key: OpenSSH, PKCS#1 RSA, SEC1 EC or PKCS#8. */
    public static AsymmetricKeyParameter parsePrivate(byte[] pem) {
        String text = new String(pem, StandardCharsets.UTF_8);
        if (text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("ENCRYPTED PRIVATE KEY")) {
            throw invalid("Encrypted private keys are not supported: remove the passphrase first (ssh-keygen -p)");
        }
        PemObject obj;
        try (PemReader r = new PemReader(new StringReader(text))) {
            obj = r.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw invalid("The private key is not a readable PEM file");
        }
        if (obj == null) {
            throw invalid("The private key is not a PEM file (no -----BEGIN ...----- line)");
        }
        try {
            AsymmetricKeyParameter key;
            switch (obj.getType()) {
                case "OPENSSH PRIVATE KEY" -> key = parseOpenSsh(obj.getContent());
                case "RSA PRIVATE KEY" -> {
                    RSAPrivateKey k = RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(obj.getContent()));
                    key = new RSAPrivateCrtKeyParameters(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                            k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient());
                }
                case "EC PRIVATE KEY" -> {
                    org.bouncycastle.asn1.sec.ECPrivateKey k = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                            ASN1Sequence.getInstance(obj.getContent()));
                    key = new ECPrivateKeyParameters(k.getKey(), P256_DOMAIN);
                    if (k.getParametersObject() != null
                            && !SECObjectIdentifiers.secp256r1.equals(k.getParametersObject().toASN1Primitive())) {
                        throw invalid("Only the EC curve P-256 is supported");
                    }
                }
                case "PRIVATE KEY" -> key = PrivateKeyFactory.createKey(obj.getContent());
                default -> throw invalid("Unsupported private key type '" + obj.getType()
                        + "': expected OPENSSH, RSA, EC or PKCS#8 PRIVATE KEY");
            }
            return supported(key);
        } catch (SecretException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw invalid("The private key cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private static AsymmetricKeyParameter supported(AsymmetricKeyParameter key) {
        if (key instanceof Ed25519PrivateKeyParameters) {
            return key;
        }
        if (key instanceof RSAPrivateCrtKeyParameters rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw invalid("RSA keys shorter than 2048 bits are refused (this one has "
                        + rsa.getModulus().bitLength() + ")");
            }
            return key;
        }
        if (key instanceof ECPrivateKeyParameters ec) {
            ECDomainParameters d = ec.getParameters();
            if (!d.getCurve().equals(P256.getCurve()) || !d.getG().equals(P256.getG())) {
                throw invalid("Only the EC curve P-256 is supported");
            }
            return new ECPrivateKeyParameters(ec.getD(), P256_DOMAIN);
        }
        throw invalid("Unsupported private key algorithm: expected RSA, ECDSA P-256 or Ed25519");
    }

    private static AsymmetricKeyParameter parseOpenSsh(byte[] b) throws IOException {
        try {
            Codec.Reader r = new Codec.Reader(b);
            if (!Arrays.equals(r.raw(AUTH_MAGIC.length), AUTH_MAGIC)) {
                throw invalid("Not an openssh-key-v1 private key");
            }
            if (!r.string().equals("none") || !r.string().equals("none")) {
                throw invalid("Encrypted private keys are not supported: remove the passphrase first (ssh-keygen -p)");
            }
            r.bytes(); // kdf options
            if (r.u32() != 1) {
                throw invalid("Only OpenSSH files with one key are supported");
            }
            r.bytes(); // public key: derived again from the private key
            Codec.Reader p = new Codec.Reader(r.bytes());
            if (p.u32() != p.u32()) {
                throw invalid("The OpenSSH private key is corrupted (check integers differ)");
            }
            String type = p.string();
            switch (type) {
                case "ssh-ed25519" -> {
                    p.bytes();
                    byte[] sk = p.bytes();
                    if (sk.length != 64) {
                        throw invalid("The Ed25519 private key has " + sk.length + " bytes, 64 expected");
                    }
                    return new Ed25519PrivateKeyParameters(sk, 0);
                }
                case "ssh-rsa" -> {
                    BigInteger n = mpint(p);
                    BigInteger e = mpint(p);
                    BigInteger d = mpint(p);
                    BigInteger iqmp = mpint(p);
                    BigInteger prime1 = mpint(p);
                    BigInteger prime2 = mpint(p);
                    return new RSAPrivateCrtKeyParameters(n, e, d, prime1, prime2,
                            d.mod(prime1.subtract(BigInteger.ONE)), d.mod(prime2.subtract(BigInteger.ONE)), iqmp);
                }
                case "ecdsa-sha2-nistp256" -> {
                    if (!p.string().equals("nistp256")) {
                        throw invalid("Only the EC curve P-256 is supported");
                    }
                    p.bytes();
                    return new ECPrivateKeyParameters(mpint(p), P256_DOMAIN);
                }
                default -> throw invalid("Unsupported OpenSSH key type '" + type + "'");
            }
        } catch (Codec.Truncated e) {
            throw invalid("The OpenSSH private key is truncated");
        }
    }

    private static BigInteger mpint(Codec.Reader r) throws Codec.Truncated {
        byte[] b = r.bytes();
        return b.length == 0 ? BigInteger.ZERO : new BigInteger(b);
    }
}
