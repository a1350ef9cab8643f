package dev.gatehouse.secrets.concord;

import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeys;
import dev.gatehouse.secrets.Visibility;
import dev.gatehouse.secrets.internal.ConcordFormats;
import dev.gatehouse.secrets.internal.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves a Concord installation's secrets and encrypted strings into Gatehouse. Concord's formats are
 * only read, never written:
 *
 * <ul>
 *   <li>Secrets: {@code AES/ECB/PKCS5Padding} under {@code SHA-256(salt || password)} (MD5 for old
 *       secrets), the password being the secret's store password or the server password
 *       ({@code secretStore.serverPassword}), the salt {@code secretStore.secretStoreSalt}.
 *   <li>USERNAME_PASSWORD: {@code DataOutput.writeUTF(username)}, then an int32 length and the UTF-8
 *       password. KEY_PAIR: int32 length + public key, int32 length + private key. DATA: the bytes.
 *   <li>Encrypted strings: base64 of AES-ECB under {@code MD5(projectSecretSalt || projectKey)}.
 * </ul>
 *
 * Migrated secrets are sealed as new Gatehouse envelopes; key pairs are checked and re-encoded in
 * OpenSSH format. A wrong password gives "Invalid password or corrupted data" (Concord's format has no
 * integrity check, so in about 1 of 256 cases a DATA secret decrypts to garbage instead: verify
 * migrated values). Thread-safe; the passwords and salts given to the constructor are copied.
 */
public final class ConcordMigration {

    /** The digest Concord derived a secret's key with. */
    public enum KeyDigest {
        /** Current Concord secrets. */
        SHA_256("SHA-256"),
        /** Old Concord secrets. */
        MD5("MD5");

        private final String jcaName;

        KeyDigest(String jcaName) {
            this.jcaName = jcaName;
        }
    }

    /**
     * One Concord secret as exported from its database.
     *
     * @param org the organisation
     * @param name the name
     * @param type the type
     * @param encryptedData the {@code SECRETS.SECRET_DATA} bytes
     * @param digest how its key was derived
     * @param storePassword its store password, if it was password-protected
     * @param visibility its visibility
     */
    public record ConcordSecret(String org, String name, SecretType type, byte[] encryptedData, KeyDigest digest,
            Optional<char[]> storePassword, Visibility visibility) {
        /** @throws NullPointerException if an argument is null */
        public ConcordSecret {
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(encryptedData, "encryptedData");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(storePassword, "storePassword");
            Objects.requireNonNull(visibility, "visibility");
        }

        @Override
        public String toString() {
            return "ConcordSecret[" + org + "/" + name + ", " + type + ", " + digest
                    + (storePassword.isPresent() ? ", password-protected" : "") + "]";
        }
    }

    private final SecretManager target;
    private final byte[] serverPassword;
    private final byte[] secretStoreSalt;
    private final byte[] projectSecretSalt;

    /**
     * @param target where migrated secrets go
     * @param serverPassword Concord's {@code secretStore.serverPassword}, decoded
     * @param secretStoreSalt Concord's {@code secretStore.secretStoreSalt}, decoded
     * @param projectSecretSalt Concord's {@code secretStore.projectSecretSalt}, decoded
     */
    public ConcordMigration(SecretManager target, byte[] serverPassword, byte[] secretStoreSalt, byte[] projectSecretSalt) {
        this.target = Objects.requireNonNull(target, "target");
        this.serverPassword = serverPassword.clone();
        this.secretStoreSalt = secretStoreSalt.clone();
        this.projectSecretSalt = projectSecretSalt.clone();
    }

    /**
     * Decrypts and parses a Concord secret without storing it.
     *
     * @throws SecretException INVALID_PASSWORD ("Invalid password or corrupted data") for a wrong password
     *     or an unreadable payload; CORRUPTED for a truncated ciphertext
     */
    public SecretValue decode(ConcordSecret secret) {
        byte[] password = secret.storePassword().map(Payloads::utf8).orElse(serverPassword.clone());
        try {
            byte[] plain = ConcordFormats.decrypt(secret.encryptedData(), password, secretStoreSalt, secret.digest().jcaName);
            return ConcordFormats.parse(secret.type(), plain);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /**
     * Decodes a Concord secret and creates it in Gatehouse for {@code caller}. A password-protected
     * secret keeps its password unless {@code newStorePassword} is given (which it must be when the old
     * one does not meet the password policy); the new envelope uses Argon2id either way.
     *
     * @throws SecretException what {@link #decode} and {@link SecretManager#create} throw
     */
    public SecretMetadata migrate(Caller caller, ConcordSecret secret, Optional<char[]> newStorePassword) {
        SecretValue value = decode(secret);
        if (value instanceof SecretValue.KeyPair kp) {
            value = SshKeys.importPair(kp.publicKey(), new String(kp.privateKey(), StandardCharsets.UTF_8));
            kp.wipe();
        }
        NewSecret.Builder b = NewSecret.builder(secret.org(), secret.name(), value).visibility(secret.visibility());
        Optional<char[]> password = newStorePassword.isPresent() ? newStorePassword
                : secret.storePassword().map(char[]::clone);
        password.ifPresent(b::storePassword);
        return target.create(caller, b.build());
    }

    /**
     * Decrypts a Concord encrypted string ({@code ${crypto.decryptString('...')}} of Concord).
     *
     * @param projectKey the project's key as Concord stored it
     * @throws SecretException INVALID_INPUT if it is not base64; INVALID_PASSWORD for a wrong project key
     */
    public String decryptString(String concordValue, byte[] projectKey) {
        byte[] input;
        try {
            input = Base64.getDecoder().decode(concordValue.strip());
        } catch (IllegalArgumentException e) {
            throw new SecretException(Kind.INVALID_INPUT, "Not a Concord encrypted string: it is not base64");
        }
        byte[] plain = ConcordFormats.decrypt(input, projectKey, projectSecretSalt, "MD5");
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Re-encrypts a Concord encrypted string of {@code org}/{@code project} as a Gatehouse {@code gh1.} string. */
    public String migrateString(String org, String project, String concordValue, byte[] projectKey) {
        return target.encryptedStrings().encrypt(org, project, decryptString(concordValue, projectKey));
    }

    @Override
    public String toString() {
        return "ConcordMigration[target=" + target + "]";
    }
}
