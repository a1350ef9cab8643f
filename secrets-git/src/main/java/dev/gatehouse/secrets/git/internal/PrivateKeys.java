package dev.gatehouse.secrets.git.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads key pairs with MINA SSHD's parsers, in memory: the private key never touches a file.
 * Stateless, thread-safe.
 */
public final class PrivateKeys {

    private static final NamedResource SECRET = NamedResource.ofName("gatehouse-secret");

    private PrivateKeys() {}

    /**
     * The key pair in an unencrypted OpenSSH (or PEM) private key.
     *
     * @throws IllegalArgumentException if it cannot be read; the message holds no key material
     */
    public static KeyPair parse(byte[] privateKey) {
        try (InputStream in = new ByteArrayInputStream(privateKey)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, SECRET, in, FilePasswordProvider.EMPTY);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new IllegalArgumentException("the secret holds no private key the SSH client can read");
            }
            return it.next();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalArgumentException i && i.getCause() == null) {
                throw i;
            }
            // No cause: a parser's message might quote part of the key.
            throw new IllegalArgumentException("the secret's private key cannot be read by the SSH client ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The public key of an {@code authorized_keys} line.
     *
     * @throws IllegalArgumentException if it cannot be read
     */
    public static PublicKey publicKey(String authorizedKeysLine) {
        try {
            AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(authorizedKeysLine);
            if (entry == null) {
                throw new IllegalArgumentException("not a public key line");
            }
            return entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the public key cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
