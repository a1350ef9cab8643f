package dev.gatehouse.secrets.git.internal;

import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;

/** Names and fingerprints of SSH public keys, as OpenSSH prints them. Stateless, thread-safe. */
public final class HostKeys {

    private HostKeys() {}

    /** {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** The SSH name of the key's type, e.g. {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}. */
    public static String type(PublicKey key) {
        return KeyUtils.getKeyType(key);
    }

    /** {@code key-type base64-key}, as in {@code authorized_keys} and {@code known_hosts}. */
    public static String line(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** Whether two public keys are the same key. */
    public static boolean same(PublicKey a, PublicKey b) {
        return KeyUtils.compareKeys(a, b);
    }
}
