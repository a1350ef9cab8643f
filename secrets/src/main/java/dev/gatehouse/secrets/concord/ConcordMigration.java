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
import dev.gatehouse.secrets.internal.ProjectKeyEncryptedStrings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a Concord installation's secrets, project keys and encrypted strings and moves them into
 * Gatehouse. Concord's formats are only read, never written; they are, as Concord's
 * {@code SecretManager}, {@code SecretUtils} and {@code EncryptedProjectValueManager} write them:
 *
 * <ul>
 *   <li>Secrets ({@code SECRETS.SECRET_DATA}): {@code AES/ECB/PKCS5Padding} under
 *       {@code HASH(salt || password)}. The salt is the secret's own {@code SECRETS.SECRET_SALT} (16
 *       random bytes since Concord 1.98.1; older rows got {@code secretStoreSalt} copied in), or
 *       {@code secretStore.secretStoreSalt} for a database from before that column. HASH is
 *       {@code SHA-256} when {@code SECRETS.HASH_ALGORITHM} says so, {@code md5} otherwise (the column's
 *       default, and Concord's own fallback for any other value). The password is the secret's store
 *       password ({@code ENCRYPTED_BY = PASSWORD}) or {@code secretStore.serverPassword}.
 *   <li>Payloads: DATA is the bytes; USERNAME_PASSWORD is {@code writeUTF(username)}, int32 length and
 *       the UTF-8 password; KEY_PAIR is int32 length + public key, int32 length + private key.
 *   <li>Project keys ({@code PROJECTS.SECRET_KEY}): the project's key (128 random bytes, or the
 *       project's name for projects from before random keys) wrapped with AES-ECB under
 *       {@code MD5(secretStoreSalt)} (Concord passes no password). A project without a stored key uses
 *       its name, as Concord does on first use.
 *   <li>Encrypted strings: base64 of AES-ECB under {@code MD5(projectSecretSalt || projectKey)}.
 * </ul>
 *
 * <p>Concord's format has no integrity check, so a wrong key or a tampered record is noticed only
 * where its structure allows; {@link Decoded#confidence()} says per record how sure the decoding is.
 * Thread-safe; the passwords and salts given to the constructor are copied.
 */
public final class ConcordMigration {

    /** The digest Concord derived a secret's key with ({@code SECRETS.HASH_ALGORITHM}). */
    public enum KeyDigest {
        /** {@code SHA-256}: secrets created or re-encrypted since Concord 1.98.1. */
        SHA_256("SHA-256"),
        /** {@code md5}: older secrets (password-protected ones until first read by a newer Concord). */
        MD5("MD5");

        private final String jcaName;

        KeyDigest(String jcaName) {
            this.jcaName = jcaName;
        }

        /**
         * The digest a {@code SECRETS.HASH_ALGORITHM} value names, as Concord's
         * {@code HashAlgorithm.getByName} reads it: {@code SHA-256} exactly, anything else (including
         * {@code null} and {@code md5}) is MD5.
         */
        public static KeyDigest ofColumn(String hashAlgorithm) {
            return "SHA-256".equals(hashAlgorithm) ? SHA_256 : MD5;
        }
    }

    /** How sure a decoding is, Concord's encryption having no integrity check. */
    public enum Confidence {
        /**
         * The value checked itself: a key pair whose public half is the private half's, a project key of
         * Concord's exact length or equal to its name. A wrong key passes with negligible probability.
         */
        VERIFIED,
        /**
         * Padding and a layout with lengths and UTF-8 strings were valid: a wrong key passes with a
         * probability far below one in a million.
         */
        STRUCTURE,
        /**
         * Only the PKCS#5 padding was valid (DATA): a wrong key or a tampered last block passes with
         * probability about 1 in 256. Verify such values by using them.
         */
        PADDING_ONLY
    }

    /**
     * One Concord secret as read from its database.
     *
     * @param org the organisation's name
     * @param name the secret's name
     * @param type {@code SECRETS.SECRET_TYPE}
     * @param encryptedData {@code SECRETS.SECRET_DATA}
     * @param digest from {@code SECRETS.HASH_ALGORITHM} ({@link KeyDigest#ofColumn})
     * @param secretSalt {@code SECRETS.SECRET_SALT}, empty for a database from before Concord 1.98.1
     *     (then {@code secretStoreSalt} is used)
     * @param passwordProtected {@code SECRETS.ENCRYPTED_BY = 'PASSWORD'}
     */
    public record ConcordSecret(String org, String name, SecretType type, byte[] encryptedData, KeyDigest digest,
            Optional<byte[]> secretSalt, boolean passwordProtected) {
        /** @throws NullPointerException if an argument is null */
        public ConcordSecret {
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(encryptedData, "encryptedData");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(secretSalt, "secretSalt");
        }

        @Override
        public String toString() {
            return "ConcordSecret[" + org + "/" + name + ", " + type + ", " + digest
                    + (passwordProtected ? ", password-protected" : "") + "]";
        }
    }

    /**
     * A decoded secret.
     *
     * @param value the value; for a key pair that Gatehouse accepts, already checked and re-encoded
     * @param confidence how sure the decoding is
     * @param refusal for a key pair that Gatehouse's key policy refuses (RSA below 2048 bits, a curve
     *     other than P-256, a passphrase-protected private key, an unreadable half): why; the value is
     *     then the pair as Concord stored it
     */
    public record Decoded(SecretValue value, Confidence confidence, Optional<String> refusal) {
        /** @throws NullPointerException if an argument is null */
        public Decoded {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(confidence, "confidence");
            Objects.requireNonNull(refusal, "refusal");
        }

        @Override
        public String toString() {
            return "Decoded[" + value.type() + ", " + confidence + refusal.map(r -> ", refused: " + r).orElse("") + "]";
        }
    }

    /**
     * A Concord project's key, unwrapped.
     *
     * @param raw the key bytes Concord derives its string key from
     * @param confidence VERIFIED when it has Concord's generated length (128 bytes) or equals the
     *     project's name, else PADDING_ONLY
     */
    public record ProjectKey(byte[] raw, Confidence confidence) {
        @Override
        public String toString() {
            return "ProjectKey[" + raw.length + " bytes, " + confidence + "]";
        }
    }

    /** What a Concord key pair that Gatehouse's policy refuses becomes. */
    public enum RefusedKeyPairs {
        /** Not migrated; reported. */
        SKIP,
        /** Migrated as a DATA secret holding the private key file as Concord stored it; reported. */
        OPAQUE_FILE
    }

    private static final int CONCORD_PROJECT_KEY_LENGTH = 128;

    private final SecretManager target;
    private final byte[] serverPassword;
    private final byte[] secretStoreSalt;
    private final byte[] projectSecretSalt;

    /**
     * @param target where migrated secrets and project keys go
     * @param serverPassword Concord's {@code secretStore.serverPassword}, base64-decoded as Concord reads it
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
     * @param storePassword the store password of a password-protected secret (wiped by the caller)
     * @throws SecretException INVALID_PASSWORD ("Invalid password or corrupted data") for a wrong key or
     *     password, a missing store password or an unreadable payload; CORRUPTED for an empty or truncated
     *     ciphertext
     */
    public Decoded decode(ConcordSecret secret, Optional<char[]> storePassword) {
        byte[] password;
        if (secret.passwordProtected()) {
            if (storePassword.isEmpty()) {
                throw new SecretException(Kind.INVALID_PASSWORD, "The Concord secret " + secret.org() + "/"
                        + secret.name() + " is password-protected: its store password is required");
            }
            password = Payloads.utf8(storePassword.get());
        } else {
            password = serverPassword.clone();
        }
        SecretValue value;
        try {
            byte[] salt = secret.secretSalt().orElse(secretStoreSalt);
            byte[] plain = ConcordFormats.decrypt(secret.encryptedData(), password, salt, secret.digest().jcaName);
            value = ConcordFormats.parse(secret.type(), plain);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
        if (value instanceof SecretValue.KeyPair kp) {
            return checkPair(kp);
        }
        return new Decoded(value, value.type() == SecretType.DATA ? Confidence.PADDING_ONLY : Confidence.STRUCTURE,
                Optional.empty());
    }

    private static Decoded checkPair(SecretValue.KeyPair kp) {
        String privateKey = new String(kp.privateKey(), StandardCharsets.UTF_8);
        try {
            SecretValue.KeyPair imported = SshKeys.importPair(kp.publicKey(), privateKey);
            kp.wipe();
            return new Decoded(imported, Confidence.VERIFIED, Optional.empty());
        } catch (SecretException e) {
            if (!privateKey.contains("-----BEGIN ") || !kp.publicKey().matches("[a-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?")) {
                // Not shaped like a key pair at all: most likely garbage from a wrong key.
                kp.wipe();
                throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
            }
            // The message names the rule (key size, curve, passphrase), never key material.
            return new Decoded(kp, Confidence.STRUCTURE, Optional.of(e.getMessage()));
        }
    }

    /**
     * Decodes a Concord secret and creates it in Gatehouse.
     *
     * @param storePassword the Concord store password of a password-protected secret; the new secret is
     *     protected by {@code newStorePassword} if given, else by this same password (Argon2id either way)
     * @param settings the new secret's owner, visibility and project restriction (its value is replaced)
     * @throws SecretException what {@link #decode} and {@link SecretManager#create} throw; INVALID_INPUT
     *     for a key pair that the policy refuses when {@code refused} is SKIP
     */
    public SecretMetadata migrate(Caller caller, ConcordSecret secret, Optional<char[]> storePassword,
            Optional<char[]> newStorePassword, Visibility visibility, RefusedKeyPairs refused) {
        Decoded d = decode(secret, storePassword);
        SecretValue value = d.value();
        if (d.refusal().isPresent()) {
            SecretValue.KeyPair kp = (SecretValue.KeyPair) value;
            if (refused == RefusedKeyPairs.SKIP) {
                kp.wipe();
                throw new SecretException(Kind.INVALID_INPUT, d.refusal().get());
            }
            value = new SecretValue.Data(kp.privateKey());
        }
        NewSecret.Builder b = NewSecret.builder(secret.org(), secret.name(), value).visibility(visibility);
        Optional<char[]> password = newStorePassword.map(char[]::clone)
                .or(() -> secret.passwordProtected() ? storePassword.map(char[]::clone) : Optional.empty());
        password.ifPresent(b::storePassword);
        return target.create(caller, b.build());
    }

    /**
     * Unwraps a project's key as Concord stored it in {@code PROJECTS.SECRET_KEY}; a project without
     * one ({@code null}) uses its name, as Concord does.
     *
     * @throws SecretException INVALID_PASSWORD if it does not unwrap under {@code secretStoreSalt}; CORRUPTED
     *     if it is empty or truncated
     */
    public ProjectKey unwrapProjectKey(Optional<byte[]> storedSecretKey, String projectName) {
        byte[] name = projectName.getBytes(StandardCharsets.UTF_8);
        if (storedSecretKey.isEmpty()) {
            return new ProjectKey(name, Confidence.VERIFIED);
        }
        byte[] raw = ConcordFormats.decrypt(storedSecretKey.get(), null, secretStoreSalt, KeyDigest.MD5.jcaName);
        boolean verified = raw.length == CONCORD_PROJECT_KEY_LENGTH || Arrays.equals(raw, name);
        return new ProjectKey(raw, verified ? Confidence.VERIFIED : Confidence.PADDING_ONLY);
    }

    /**
     * Decrypts a Concord encrypted string ({@code ${crypto.decryptString('...')}} of Concord).
     *
     * @param rawProjectKey the project's key, unwrapped ({@link #unwrapProjectKey})
     * @throws SecretException INVALID_INPUT if it is not base64; INVALID_PASSWORD for a wrong project key
     */
    public String decryptString(String concordValue, byte[] rawProjectKey) {
        byte[] input;
        try {
            input = Base64.getDecoder().decode(concordValue.strip());
        } catch (IllegalArgumentException e) {
            throw new SecretException(Kind.INVALID_INPUT, "Not a Concord encrypted string: it is not base64");
        }
        byte[] key = stringKey(rawProjectKey);
        byte[] plain;
        try {
            plain = ConcordFormats.decryptWithKey(input, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        char[] chars = ConcordFormats.strictUtf8(plain);
        Arrays.fill(plain, (byte) 0);
        if (chars == null) {
            throw new SecretException(Kind.INVALID_PASSWORD, SecretException.INVALID_PASSWORD_MESSAGE);
        }
        try {
            return new String(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** Re-encrypts a Concord encrypted string of {@code org}/{@code project} as a Gatehouse {@code gh1.} string. */
    public String migrateString(String org, String project, String concordValue, byte[] rawProjectKey) {
        return target.encryptedStrings().encrypt(org, project, decryptString(concordValue, rawProjectKey));
    }

    /** What {@link #importProjectKey} did. */
    public enum ProjectKeyImport {
        /** Concord's strings of the project now decrypt in its processes. */
        ADDED,
        /** The project held this key already. */
        ALREADY_PRESENT,
        /** The project holds another Concord key; nothing changed. */
        CONFLICT
    }

    /**
     * Makes Concord's encrypted strings of {@code org}/{@code project} decrypt in that project's
     * processes ({@code crypto.decryptString}), and only there: the key Concord encrypted them under is
     * kept with the project's data key, wrapped under the server key and bound to org and project.
     * Idempotent.
     *
     * @param rawProjectKey the project's key, unwrapped ({@link #unwrapProjectKey})
     * @throws IllegalStateException if the target's encrypted strings are not Gatehouse's own
     */
    public ProjectKeyImport importProjectKey(String org, String project, byte[] rawProjectKey) {
        if (!(target.encryptedStrings() instanceof ProjectKeyEncryptedStrings strings)) {
            throw new IllegalStateException("the target's encrypted strings cannot hold Concord project keys");
        }
        byte[] key = stringKey(rawProjectKey);
        try {
            return ProjectKeyImport.valueOf(strings.importConcordKey(org, project, key).name());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private byte[] stringKey(byte[] rawProjectKey) {
        return ConcordFormats.deriveKey(rawProjectKey, projectSecretSalt, KeyDigest.MD5.jcaName);
    }

    @Override
    public String toString() {
        return "ConcordMigration[target=" + target + "]";
    }
}
