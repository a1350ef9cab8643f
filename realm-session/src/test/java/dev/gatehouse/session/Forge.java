package dev.gatehouse.session;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Builds tokens the way an attacker or a buggy issuer would, with Nimbus directly. */
final class Forge {

    static final JOSEObjectType TYPE = new JOSEObjectType("gh-session+jwt");

    private Forge() {}

    static JWEHeader.Builder header(String kid) {
        return new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(kid).type(TYPE);
    }

    static String claims(UUID processId, Instant iat, Instant exp) {
        return "{\"sub\":\"" + processId + "\",\"iat\":" + iat.getEpochSecond() + ",\"exp\":" + exp.getEpochSecond()
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    static String encrypt(JWEHeader header, String payload, byte[] key) {
        try {
            JWEObject jwe = new JWEObject(header, new Payload(payload));
            jwe.encrypt(new DirectEncrypter(new SecretKeySpec(key, "AES")));
            return jwe.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A dir/A256GCM JWE whose header is exactly {@code headerJson} as written, encrypted with the
     * JDK (RFC 7516 section 5.1: AAD = ASCII(BASE64URL(header))).
     */
    static String encryptWithEncodedHeader(String headerJson, String payload, byte[] key) {
        try {
            String header = b64url(headerJson);
            byte[] iv = new byte[12];
            new SecureRandom().nextBytes(iv);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(128, iv));
            gcm.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] out = gcm.doFinal(payload.getBytes(StandardCharsets.UTF_8));
            byte[] ct = Arrays.copyOf(out, out.length - 16);
            byte[] tag = Arrays.copyOfRange(out, out.length - 16, out.length);
            return header + ".." + Base64URL.encode(iv) + "." + Base64URL.encode(ct) + "." + Base64URL.encode(tag);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64url(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Replaces part {@code index} (0 to 4) of a compact serialisation. */
    static String replacePart(String token, int index, String value) {
        String[] parts = token.split("\\.", -1);
        parts[index] = value;
        return String.join(".", parts);
    }

    static String part(String token, int index) {
        return token.split("\\.", -1)[index];
    }

    /** Flips one bit of the decoded bytes of part {@code index}, keeping the encoding valid. */
    static String flipBit(String token, int index) {
        byte[] bytes = new Base64URL(part(token, index)).decode();
        bytes[bytes.length / 2] ^= 0x01;
        return replacePart(token, index, Base64URL.encode(bytes).toString());
    }
}
