package dev.gatehouse.secrets;

import dev.gatehouse.core.ConstantTime;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A secret's decrypted value. The records hold their arrays as given, without copying, so that a
 * caller can {@link #wipe()} them after use; {@code toString()} never prints secret material.
 * Not thread-safe once shared with code that wipes it.
 */
public sealed interface SecretValue {

    /** The type this value is stored as. */
    SecretType type();

    /** Overwrites the secret arrays with zeros. */
    void wipe();

    /** A string or binary data. */
    record Data(byte[] bytes) implements SecretValue {
        /** @throws NullPointerException if {@code bytes} is null */
        public Data {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** The bytes as UTF-8 text. */
        public String asString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public SecretType type() {
            return SecretType.DATA;
        }

        @Override
        public void wipe() {
            Arrays.fill(bytes, (byte) 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && ConstantTime.equals(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Data[" + bytes.length + " bytes, <redacted>]";
        }
    }

    /** A username and password. */
    record UsernamePassword(String username, char[] password) implements SecretValue {
        /** @throws NullPointerException if an argument is null */
        public UsernamePassword {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public SecretType type() {
            return SecretType.USERNAME_PASSWORD;
        }

        @Override
        public void wipe() {
            Arrays.fill(password, '\0');
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UsernamePassword u && username.equals(u.username)
                    && ConstantTime.equals(password, u.password);
        }

        @Override
        public int hashCode() {
            return username.hashCode();
        }

        @Override
        public String toString() {
            return "UsernamePassword[username=" + username + ", password=<redacted>]";
        }
    }

    /**
     * An SSH key pair.
     *
     * @param publicKey the {@code authorized_keys} line, e.g. {@code ssh-ed25519 AAAA... comment}
     * @param privateKey the private key as an OpenSSH PEM file ({@code -----BEGIN OPENSSH PRIVATE KEY-----}), UTF-8
     */
    record KeyPair(String publicKey, byte[] privateKey) implements SecretValue {
        /** @throws NullPointerException if an argument is null */
        public KeyPair {
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public SecretType type() {
            return SecretType.KEY_PAIR;
        }

        @Override
        public void wipe() {
            Arrays.fill(privateKey, (byte) 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyPair k && publicKey.equals(k.publicKey) && ConstantTime.equals(privateKey, k.privateKey);
        }

        @Override
        public int hashCode() {
            return publicKey.hashCode();
        }

        @Override
        public String toString() {
            return "KeyPair[publicKey=" + publicKey + ", privateKey=<redacted>]";
        }
    }

    /** A string secret, stored as UTF-8. */
    static Data ofString(String value) {
        return new Data(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Binary data; takes ownership of {@code bytes}. */
    static Data ofBytes(byte[] bytes) {
        return new Data(bytes);
    }

    /** A username and password; takes ownership of {@code password}. */
    static UsernamePassword usernamePassword(String username, char[] password) {
        return new UsernamePassword(username, password);
    }
}
