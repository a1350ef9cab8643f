package dev.gatehouse.examples.internal;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditEvent.Outcome;
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
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A {@link SecretManager} that records every secret create, read, update and delete, every
 * wrong store password and (for a process) every decryption of an encrypted string in the audit
 * trail: the actor is the request's caller, the process the caller's (a session token's) or the
 * one the crypto task runs for. Nothing of a value, a store password or a key reaches the trail:
 * events name the secret ({@code secret:<org>/<name>}) or the project
 * ({@code project:<org>/<project>}). Thread-safe.
 */
public final class AuditedSecretManager implements SecretManager {

    private final SecretManager delegate;
    private final Audit audit;
    private final Optional<ProcessRef> process;

    public AuditedSecretManager(SecretManager delegate, Audit audit) {
        this(delegate, audit, Optional.empty());
    }

    private AuditedSecretManager(SecretManager delegate, Audit audit, Optional<ProcessRef> process) {
        this.delegate = delegate;
        this.audit = audit;
        this.process = process;
    }

    /** The same manager, for the crypto task of {@code process}: its decryptions name the process. */
    public SecretManager forProcess(ProcessRef process) {
        return new AuditedSecretManager(delegate, audit, Optional.of(process));
    }

    private static String secret(String org, String name) {
        return "secret:" + org + "/" + name;
    }

    private void record(Caller caller, String action, String target, Outcome outcome, String detail) {
        Optional<UUID> proc = caller.process().map(ProcessRef::id).or(() -> process.map(ProcessRef::id));
        audit.record(action, target, outcome, Optional.of(caller.userId()), proc, detail);
    }

    /** Runs {@code work}, recording its outcome as {@code action} (a wrong store password as its own event). */
    private <T> T audited(Caller caller, String action, String target, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (SecretException e) {
            switch (e.kind()) {
                case INVALID_PASSWORD -> record(caller, AuditEvent.STORE_PASSWORD, target, Outcome.FAILURE,
                        "wrong store password (" + action + ")");
                case ACCESS_DENIED -> record(caller, action, target, Outcome.DENIED, null);
                case THROTTLED -> record(caller, action, target, Outcome.THROTTLED, "store password attempts throttled");
                default -> {
                    // not found, invalid input, conflicts: nothing was accessed
                }
            }
            throw e;
        }
        record(caller, action, target, Outcome.SUCCESS, null);
        return result;
    }

    @Override
    public SecretMetadata create(Caller caller, NewSecret secret) {
        return audited(caller, AuditEvent.SECRET_CREATE, secret(secret.org(), secret.name()),
                () -> delegate.create(caller, secret));
    }

    @Override
    public SecretValue read(Caller caller, String org, String name) {
        return audited(caller, AuditEvent.SECRET_READ, secret(org, name), () -> delegate.read(caller, org, name));
    }

    @Override
    public SecretValue read(Caller caller, String org, String name, char[] storePassword) {
        return audited(caller, AuditEvent.SECRET_READ, secret(org, name),
                () -> delegate.read(caller, org, name, storePassword));
    }

    @Override
    public String readPublicKey(Caller caller, String org, String name) {
        return delegate.readPublicKey(caller, org, name); // a public key is no secret
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
        return audited(caller, AuditEvent.SECRET_UPDATE, secret(org, name), () -> delegate.update(caller, org, name, update));
    }

    @Override
    public void delete(Caller caller, String org, String name) {
        audited(caller, AuditEvent.SECRET_DELETE, secret(org, name), () -> {
            delegate.delete(caller, org, name);
            return null;
        });
    }

    @Override
    public SecretMetadata grant(Caller caller, String org, String name, Grantee grantee, AccessLevel level) {
        return audited(caller, AuditEvent.SECRET_UPDATE, secret(org, name),
                () -> delegate.grant(caller, org, name, grantee, level));
    }

    @Override
    public SecretMetadata revoke(Caller caller, String org, String name, Grantee grantee) {
        return audited(caller, AuditEvent.SECRET_UPDATE, secret(org, name), () -> delegate.revoke(caller, org, name, grantee));
    }

    @Override
    public ReencryptionReport reencryptAll() {
        return delegate.reencryptAll();
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

    /** Decryptions are recorded when this manager runs for a process (the crypto task). */
    @Override
    public EncryptedStrings encryptedStrings() {
        EncryptedStrings strings = delegate.encryptedStrings();
        if (process.isEmpty()) {
            return strings;
        }
        ProcessRef p = process.get();
        return new EncryptedStrings() {
            @Override
            public String encrypt(String org, String project, String value) {
                return strings.encrypt(org, project, value);
            }

            @Override
            public String decrypt(String org, String project, String encrypted) {
                String target = "project:" + org + "/" + project;
                String plain;
                try {
                    plain = strings.decrypt(org, project, encrypted);
                } catch (RuntimeException e) {
                    audit.record(AuditEvent.STRING_DECRYPT, target, Outcome.FAILURE, Optional.empty(),
                            Optional.of(p.id()), e.getClass().getSimpleName());
                    throw e;
                }
                audit.record(AuditEvent.STRING_DECRYPT, target, Outcome.SUCCESS, Optional.empty(), Optional.of(p.id()),
                        null);
                return plain;
            }
        };
    }

    @Override
    public PasswordPolicy passwordPolicy() {
        return delegate.passwordPolicy();
    }

    @Override
    public char[] generatePassword() {
        return delegate.generatePassword();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
