package dev.gatehouse.examples.internal;

import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.EncryptedStrings;
import dev.gatehouse.secrets.Grantee;
import dev.gatehouse.secrets.KeyRingStatus;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.PasswordPolicy;
import dev.gatehouse.secrets.ReencryptionReport;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretUpdate;
import dev.gatehouse.secrets.SecretValue;
import java.util.List;

/**
 * The secret manager as a process's {@code crypto} task sees it: the same manager, except that
 * encrypting a string for a project that does not exist is refused (NOT_FOUND, as
 * {@code /encrypt} refuses it) instead of creating a data key for a project nobody has. The
 * secrets module knows nothing of the host's projects, so the host checks. Thread-safe.
 */
final class KnownProjectsOnly implements SecretManager {

    private final SecretManager delegate;
    private final Orgs orgs;
    private final EncryptedStrings strings;

    KnownProjectsOnly(SecretManager delegate, Orgs orgs) {
        this.delegate = delegate;
        this.orgs = orgs;
        EncryptedStrings inner = delegate.encryptedStrings();
        this.strings = new EncryptedStrings() {
            @Override
            public String encrypt(String org, String project, String value) {
                if (!orgs.projectExists(org, project)) {
                    throw new SecretException(SecretException.Kind.NOT_FOUND, "Project not found: " + org + "/" + project);
                }
                return inner.encrypt(org, project, value);
            }

            @Override
            public String decrypt(String org, String project, String encrypted) {
                return inner.decrypt(org, project, encrypted);
            }
        };
    }

    @Override
    public EncryptedStrings encryptedStrings() {
        return strings;
    }

    @Override
    public SecretMetadata create(Caller caller, NewSecret secret) {
        return delegate.create(caller, secret);
    }

    @Override
    public SecretValue read(Caller caller, String org, String name) {
        return delegate.read(caller, org, name);
    }

    @Override
    public SecretValue read(Caller caller, String org, String name, char[] storePassword) {
        return delegate.read(caller, org, name, storePassword);
    }

    @Override
    public String readPublicKey(Caller caller, String org, String name) {
        return delegate.readPublicKey(caller, org, name);
    }

    @Override
    public SecretMetadata metadata(Caller caller, String org, String name) {
        return delegate.metadata(caller, org, name);
    }

    @Override
    public List<SecretMetadata> list(Caller caller, String org) {
        return delegate.list(caller, org);
    }

    @Override
    public SecretMetadata update(Caller caller, String org, String name, SecretUpdate update) {
        return delegate.update(caller, org, name, update);
    }

    @Override
    public void delete(Caller caller, String org, String name) {
        delegate.delete(caller, org, name);
    }

    @Override
    public SecretMetadata grant(Caller caller, String org, String name, Grantee grantee, AccessLevel level) {
        return delegate.grant(caller, org, name, grantee, level);
    }

    @Override
    public SecretMetadata revoke(Caller caller, String org, String name, Grantee grantee) {
        return delegate.revoke(caller, org, name, grantee);
    }

    @Override
    public ReencryptionReport reencryptAll() {
        return delegate.reencryptAll();
    }

    @Override
    public PasswordPolicy passwordPolicy() {
        return delegate.passwordPolicy();
    }

    @Override
    public KeyRingStatus keyRing() {
        return delegate.keyRing();
    }

    @Override
    public void retireKey(String keyId) {
        delegate.retireKey(keyId);
    }

    @Override
    public void heartbeat() {
        delegate.heartbeat();
    }

    /** The delegate belongs to the server, which closes it. */
    @Override
    public void close() {
        // nothing of its own to close
    }

    @Override
    public char[] generatePassword() {
        return delegate.generatePassword();
    }
}
