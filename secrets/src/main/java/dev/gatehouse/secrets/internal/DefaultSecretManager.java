package dev.gatehouse.secrets.internal;

import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.AccessPolicy;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.EncryptedStrings;
import dev.gatehouse.secrets.Grantee;
import dev.gatehouse.secrets.KeyRingStatus;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.Operation;
import dev.gatehouse.secrets.PasswordPolicy;
import dev.gatehouse.secrets.ReencryptionReport;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretType;
import dev.gatehouse.secrets.SecretUpdate;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.Argon2Parameters;
import dev.gatehouse.secrets.crypto.SecretEnvelope;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.store.StoredSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The {@link SecretManager}. All state is in the store; this node's part of the key ring is its
 * {@link KeyRingCoordinator}.
 *
 * <p><b>Binding.</b> An envelope's associated data is {@link #binding}: the org and name the caller
 * asked for (not those the record claims), the record's id and type, and, from envelope format 2
 * on, the record version it was sealed at ({@link StoredSecret#sealedVersion()}). Every change of a
 * server-key secret re-seals it, so for those the sealed version always equals the record's
 * version and a read refuses a record where it does not: an older envelope put back, with or
 * without its old sealed version, does not open unless the whole row is rolled back. A
 * password-protected secret can only be re-sealed with its password, so a change of its access
 * alone keeps its envelope and sealed version.
 *
 * <p><b>Writes.</b> Every write is a compare-and-set on the exact record read
 * ({@link SecretStore#replace}, {@link SecretStore#delete}). Thread-safe.
 */
public final class DefaultSecretManager implements SecretManager {

    /** The most grants one secret may carry. */
    public static final int MAX_GRANTS = 256;

    /** How often the sweep or a delete tries one record that keeps changing under it. */
    private static final int ATTEMPTS = 3;

    private final SecretStore store;
    private final ServerKeyRing ring;
    private final AccessPolicy policy;
    private final Clock clock;
    private final Argon2Parameters argon2;
    private final PasswordPolicy passwordPolicy;
    private final int maxValueBytes;
    private final KeyRingCoordinator keys;
    private final SecretEnvelope opener;
    private final ProjectKeyEncryptedStrings strings;
    private final StorePasswordGuard passwords;

    private DefaultSecretManager(SecretStore store, ServerKeyRing ring, AccessPolicy policy, Clock clock,
            Argon2Parameters argon2, PasswordPolicy passwordPolicy, int maxValueBytes, String nodeId,
            Duration nodeTimeout, StorePasswordGuard passwords) {
        this.passwords = passwords;
        this.store = store;
        this.ring = ring;
        this.policy = policy;
        this.clock = clock;
        this.argon2 = argon2;
        this.passwordPolicy = passwordPolicy;
        this.maxValueBytes = maxValueBytes;
        this.keys = new KeyRingCoordinator(store, ring, clock, nodeId, nodeTimeout);
        this.opener = SecretEnvelope.withServerKeys(ring);
        this.strings = new ProjectKeyEncryptedStrings(store, ring, keys::sealing, keys::heartbeatIfDue);
    }

    /**
     * A manager registered as node {@code nodeId} of its store's key ring; see
     * {@link SecretManager.Builder} for the parameters.
     */
    public static DefaultSecretManager start(SecretStore store, ServerKeyRing ring, AccessPolicy policy, Clock clock,
            Argon2Parameters argon2, PasswordPolicy passwordPolicy, int maxValueBytes, String nodeId,
            Duration nodeTimeout, StorePasswordGuard passwords) {
        DefaultSecretManager m = new DefaultSecretManager(store, ring, policy, clock, argon2, passwordPolicy,
                maxValueBytes, nodeId, nodeTimeout, passwords);
        m.keys.start();
        return m;
    }

    /**
     * The associated data that binds an envelope of format {@code envelopeVersion} to its record.
     *
     * @param sealedVersion the record version it is sealed at; not part of format 1
     */
    public static byte[] binding(int envelopeVersion, UUID id, String org, String name, SecretType type, long sealedVersion) {
        if (envelopeVersion == 1) {
            return new Codec.Writer().string("gatehouse/secret/v1").string(id.toString()).string(org).string(name)
                    .string(type.name()).toByteArray();
        }
        return new Codec.Writer().string("gatehouse/secret/v2").string(id.toString()).string(org).string(name)
                .string(type.name()).u64(sealedVersion).toByteArray();
    }

    /** The binding of a new envelope for record {@code m}, sealed at {@code m}'s version. */
    private static byte[] bindingOf(SecretMetadata m) {
        return binding(SecretEnvelope.VERSION, m.id(), m.org(), m.name(), m.type(), m.version());
    }

    @Override
    public SecretMetadata create(Caller caller, NewSecret secret) {
        keys.heartbeatIfDue();
        try {
            Names.org(secret.org());
            Names.secret(secret.name());
            Names.projects(secret.projects());
            if (!policy.permitsCreate(caller, secret.org())) {
                throw new SecretException(Kind.ACCESS_DENIED, "Not allowed to create secrets in " + secret.org());
            }
            SecretValue value = checkValue(secret.value());
            Optional<char[]> password = secret.storePassword();
            if (password.isPresent()) {
                checkNewPassword(password.get());
            }
            if (store.find(secret.org(), secret.name()).isPresent()) {
                value.wipe();
                throw new SecretException(Kind.ALREADY_EXISTS, "Secret already exists: " + secret.name());
            }
            byte[] plain = Payloads.encode(value);
            try {
                Sealer sealer = sealer(password.orElse(null));
                SecretMetadata m = SecretMetadata.of(UUID.randomUUID(), secret.org(), secret.name(), value.type(),
                                secret.owner().orElse(caller.userId()), sealer.serverKeyId(), clock.instant())
                        .withVisibility(secret.visibility()).withProjects(secret.projects())
                        .withPublicKey(publicKeyOf(value));
                store.insert(new StoredSecret(m, m.version(), sealer.envelope().seal(plain, bindingOf(m))));
                return m;
            } finally {
                Arrays.fill(plain, (byte) 0);
                value.wipe();
            }
        } finally {
            secret.wipe();
        }
    }

    /** What seals a new envelope, and the server key id it records (empty for a store password). */
    private record Sealer(SecretEnvelope envelope, Optional<String> serverKeyId) {}

    /** A store password's sealer if {@code password} is given, else one under the cluster's primary key. */
    private Sealer sealer(char[] password) {
        if (password != null) {
            return new Sealer(SecretEnvelope.withPassword(password, argon2), Optional.empty());
        }
        ServerKeyRing sealing = keys.sealing();
        return new Sealer(SecretEnvelope.withServerKeys(sealing), Optional.of(sealing.primaryId()));
    }

    private static Optional<String> publicKeyOf(SecretValue v) {
        return v instanceof SecretValue.KeyPair kp ? Optional.of(kp.publicKey()) : Optional.empty();
    }

    /**
     * Checks the size and, for key pairs, that the halves match; returns the value to seal. A private
     * key in OpenSSH format is kept byte for byte; PKCS#1, SEC1 and PKCS#8 are re-encoded as OpenSSH.
     */
    private SecretValue checkValue(SecretValue value) {
        long size = Payloads.size(value);
        if (size > maxValueBytes) {
            throw new SecretException(Kind.TOO_LARGE, "The secret value is " + size + " bytes, more than the limit of "
                    + maxValueBytes + " bytes");
        }
        if (value instanceof SecretValue.KeyPair kp) {
            if (SshKeyCodec.isOpenSsh(kp.privateKey())) {
                SshKeyCodec.checkPair(kp.publicKey(), kp.privateKey());
                return new SecretValue.KeyPair(kp.publicKey(), kp.privateKey().clone());
            }
            return SshKeyCodec.importPair(kp.publicKey(), kp.privateKey());
        }
        return value;
    }

    private void checkNewPassword(char[] password) {
        Optional<String> problem = passwordPolicy.problem(password);
        if (problem.isPresent()) {
            throw new SecretException(Kind.INVALID_INPUT, problem.get());
        }
    }

    @Override
    public SecretValue read(Caller caller, String org, String name) {
        return readValue(caller, org, name, null);
    }

    @Override
    public SecretValue read(Caller caller, String org, String name, char[] storePassword) {
        try {
            return readValue(caller, org, name, storePassword);
        } finally {
            Arrays.fill(storePassword, '\0');
        }
    }

    private SecretValue readValue(Caller caller, String org, String name, char[] password) {
        StoredSecret s = visible(caller, org, name);
        require(caller, s.metadata(), Operation.READ_VALUE);
        if (s.metadata().passwordProtected() && password == null) {
            throw new SecretException(Kind.INVALID_PASSWORD, "Secret " + name
                    + " is protected by a store password: provide it");
        }
        if (!s.metadata().passwordProtected() && password != null) {
            throw new SecretException(Kind.INVALID_INPUT, "Secret " + name + " has no store password");
        }
        return Payloads.decode(s.metadata().type(), open(caller, s, password));
    }

    /**
     * The plaintext of {@code s}, the record stored under its own org and name (which
     * {@link #visible} checked), opened with {@code password} or, if null, the server keys.
     */
    private byte[] open(Caller caller, StoredSecret s, char[] password) {
        SecretMetadata m = s.metadata();
        SecretEnvelope.Header h = SecretEnvelope.header(s.envelope());
        if (h.version() >= 2 && !h.passwordProtected() && s.sealedVersion() != m.version()) {
            throw corrupted(m, "its envelope was sealed at version " + s.sealedVersion() + ", the record is at version "
                    + m.version() + " (an older envelope was put back)");
        }
        if (h.version() == 1 && s.sealedVersion() != 0) {
            throw corrupted(m, "its envelope is of format 1, which predates the version binding");
        }
        if (h.version() == 1 && !h.passwordProtected() && keys.formatOneSwept()) {
            throw corrupted(m, "its envelope is of format 1, but a sweep moved every server-key envelope to format 2 "
                    + "(an older envelope was put back)");
        }
        byte[] aad = binding(h.version(), m.id(), m.org(), m.name(), m.type(), s.sealedVersion());
        if (password != null) {
            // throttled per secret and caller, and bounded in Argon2id work, before any key derivation
            return passwords.open(caller, m, s.envelope(), aad, password);
        }
        try {
            return opener.open(s.envelope(), aad);
        } catch (SecretException e) {
            if (e.kind() == Kind.CORRUPTED) {
                throw corrupted(m, "its envelope was modified, truncated, belongs to another secret or is older than "
                        + "the record");
            }
            throw e;
        }
    }

    private static SecretException corrupted(SecretMetadata m, String why) {
        return new SecretException(Kind.CORRUPTED, "Secret " + m.qualifiedName() + " cannot be decrypted: " + why);
    }

    /**
     * The secret, or NOT_FOUND if it does not exist or the caller may not see it; CORRUPTED if the
     * store returned a record of another org or name than asked for.
     */
    private StoredSecret visible(Caller caller, String org, String name) {
        keys.heartbeatIfDue();
        Optional<StoredSecret> s = store.find(org, name);
        if (s.isPresent() && (!s.get().metadata().org().equals(org) || !s.get().metadata().name().equals(name))) {
            throw new SecretException(Kind.CORRUPTED, "Secret " + org + "/" + name + " cannot be read: the store "
                    + "returned another record for it");
        }
        if (s.isEmpty() || !policy.permits(caller, s.get().metadata(), Operation.READ_METADATA)) {
            throw new SecretException(Kind.NOT_FOUND, "Secret not found: " + org + "/" + name);
        }
        return s.get();
    }

    private void require(Caller caller, SecretMetadata m, Operation op) {
        if (!policy.permits(caller, m, op)) {
            if (op == Operation.READ_VALUE && !m.projects().isEmpty()) {
                throw new SecretException(Kind.ACCESS_DENIED, "Secret " + m.qualifiedName() + " is restricted to "
                        + "projects " + new TreeSet<>(m.projects()) + ": only a process of one of them may read it");
            }
            throw new SecretException(Kind.ACCESS_DENIED, "Not allowed to " + verb(op) + " secret " + m.qualifiedName());
        }
    }

    private static String verb(Operation op) {
        return switch (op) {
            case READ_METADATA, READ_VALUE -> "read";
            case UPDATE -> "update";
            case MANAGE -> "change the access to";
            case DELETE -> "delete";
        };
    }

    @Override
    public String readPublicKey(Caller caller, String org, String name) {
        SecretMetadata m = visible(caller, org, name).metadata();
        return m.publicKey().orElseThrow(() -> new SecretException(Kind.INVALID_INPUT,
                "Secret " + m.qualifiedName() + " is not a key pair"));
    }

    @Override
    public SecretMetadata metadata(Caller caller, String org, String name) {
        return visible(caller, org, name).metadata();
    }

    @Override
    public List<SecretMetadata> list(Caller caller, String org) {
        keys.heartbeatIfDue();
        List<SecretMetadata> out = new ArrayList<>();
        for (StoredSecret s : store.list(org)) {
            if (s.metadata().org().equals(org) && policy.permits(caller, s.metadata(), Operation.READ_METADATA)) {
                out.add(s.metadata());
            }
        }
        return out;
    }

    @Override
    public SecretMetadata update(Caller caller, String org, String name, SecretUpdate update) {
        try {
            StoredSecret current = visible(caller, org, name);
            SecretMetadata m = current.metadata();
            if (update.expectedVersion().isPresent() && update.expectedVersion().getAsLong() != m.version()) {
                throw conflict(m);
            }
            if (update.changesData()) {
                require(caller, m, Operation.UPDATE);
            }
            if (update.changesAccess()) {
                require(caller, m, Operation.MANAGE);
            }
            update.projects().ifPresent(Names::projects);
            Optional<SecretValue> newValue = update.value().map(this::checkValue);
            try {
                update.newPassword().ifPresent(this::checkNewPassword);
                SecretMetadata changed = m.withVisibility(update.visibility().orElse(m.visibility()))
                        .withOwner(update.owner().orElse(m.owner())).withProjects(update.projects().orElse(m.projects()));
                StoredSecret next = update.changesData() ? resealData(caller, current, changed, update, newValue)
                        : rewrite(current, changed, null);
                return commit(current, next);
            } finally {
                newValue.ifPresent(SecretValue::wipe);
            }
        } finally {
            update.wipe();
        }
    }

    /** {@code current} with a new value or store password, sealed at the next version. */
    private StoredSecret resealData(Caller caller, StoredSecret current, SecretMetadata changed, SecretUpdate update,
            Optional<SecretValue> newValue) {
        SecretMetadata m = current.metadata();
        char[] oldPassword = update.currentPassword().orElse(null);
        if (m.passwordProtected() && oldPassword == null) {
            throw new SecretException(Kind.INVALID_PASSWORD, "Secret " + m.name()
                    + " is protected by a store password: provide the current one to change it");
        }
        // Opening first proves the current password (or the envelope's integrity).
        SecretValue old = Payloads.decode(m.type(), open(caller, current, m.passwordProtected() ? oldPassword : null));
        try {
            SecretValue value = newValue.orElse(old);
            char[] nextPassword = update.newPassword().orElse(
                    update.removePassword() ? null : (m.passwordProtected() ? oldPassword : null));
            Sealer sealer = sealer(nextPassword);
            SecretMetadata next = changed.withType(value.type()).withPublicKey(publicKeyOf(value))
                    .sealedWith(sealer.serverKeyId()).nextVersion(clock.instant());
            byte[] plain = Payloads.encode(value);
            try {
                return new StoredSecret(next, next.version(), sealer.envelope().seal(plain, bindingOf(next)));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } finally {
            old.wipe();
        }
    }

    /**
     * {@code current} with metadata {@code changed} at the next version. A server-key secret is
     * re-sealed (under {@code sealing}, or the cluster's primary if null) so that its envelope binds
     * the new version; a password-protected one keeps its envelope and sealed version.
     */
    private StoredSecret rewrite(StoredSecret current, SecretMetadata changed, ServerKeyRing sealing) {
        SecretMetadata next = changed.nextVersion(clock.instant());
        if (current.metadata().passwordProtected()) {
            return new StoredSecret(next, current.sealedVersion(), current.envelope());
        }
        byte[] plain = open(null, current, null); // the sweep: server keys only
        try {
            ServerKeyRing r = sealing != null ? sealing : keys.sealing();
            next = next.sealedWith(Optional.of(r.primaryId()));
            return new StoredSecret(next, next.version(), SecretEnvelope.withServerKeys(r).seal(plain, bindingOf(next)));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private SecretMetadata commit(StoredSecret current, StoredSecret next) {
        if (!store.replace(current.metadata(), next)) {
            throw conflict(current.metadata());
        }
        return next.metadata();
    }

    private static SecretException conflict(SecretMetadata m) {
        return new SecretException(Kind.CONFLICT, "Secret " + m.qualifiedName() + " was changed concurrently (the change "
                + "was based on version " + m.version() + "); read it again and retry");
    }

    @Override
    public void delete(Caller caller, String org, String name) {
        UUID meant = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            StoredSecret s = visible(caller, org, name);
            if (meant != null && !meant.equals(s.metadata().id())) {
                throw new SecretException(Kind.CONFLICT, "Secret " + org + "/" + name + " was deleted and created again "
                        + "concurrently; read it again and retry");
            }
            meant = s.metadata().id();
            require(caller, s.metadata(), Operation.DELETE);
            if (store.delete(s.metadata())) {
                return;
            }
        }
        throw new SecretException(Kind.CONFLICT, "Secret " + org + "/" + name + " kept changing while it was deleted; "
                + "retry");
    }

    @Override
    public SecretMetadata grant(Caller caller, String org, String name, Grantee grantee, AccessLevel level) {
        return changeGrants(caller, org, name, grants -> grants.put(grantee, level));
    }

    @Override
    public SecretMetadata revoke(Caller caller, String org, String name, Grantee grantee) {
        return changeGrants(caller, org, name, grants -> grants.remove(grantee));
    }

    private SecretMetadata changeGrants(Caller caller, String org, String name, Consumer<Map<Grantee, AccessLevel>> change) {
        StoredSecret s = visible(caller, org, name);
        SecretMetadata m = s.metadata();
        require(caller, m, Operation.MANAGE);
        Map<Grantee, AccessLevel> grants = new HashMap<>(m.grants());
        change.accept(grants);
        if (grants.size() > MAX_GRANTS) {
            throw new SecretException(Kind.INVALID_INPUT, "A secret can carry at most " + MAX_GRANTS + " grants");
        }
        return commit(s, rewrite(s, m.withGrants(grants), null));
    }

    private enum Sweep { MOVED, CURRENT, PASSWORD_PROTECTED, FAILED }

    @Override
    public ReencryptionReport reencryptAll() {
        keys.heartbeatIfDue();
        ServerKeyRing sealing = keys.sealing();
        List<StoredSecret> listed = store.listAll();
        int moved = 0;
        int current = 0;
        int failed = 0;
        int passwordProtected = 0;
        for (StoredSecret s : listed) {
            switch (sweep(s, sealing)) {
                case MOVED -> moved++;
                case CURRENT -> current++;
                case PASSWORD_PROTECTED -> {
                    current++;
                    passwordProtected++;
                }
                case FAILED -> failed++;
            }
        }
        if (failed == 0) {
            // Every listed server-key envelope is of format 2 now, and new ones always are.
            keys.markFormatOneSwept();
        }
        ProjectKeyEncryptedStrings.Rewrapped projectKeys = strings.rewrapAll(sealing);
        return new ReencryptionReport(listed.size(), moved, current, failed, passwordProtected, projectKeys.moved(),
                projectKeys.failed());
    }

    /**
     * Moves one listed secret to the primary key and the current envelope format. A lost race is
     * retried on the record now stored under that name, whatever it is; a record gone meanwhile needs
     * nothing. Never writes anything but a compare-and-set on the record just read.
     */
    private Sweep sweep(StoredSecret listed, ServerKeyRing sealing) {
        Optional<StoredSecret> current = Optional.of(listed);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                current = store.find(listed.metadata().org(), listed.metadata().name());
            }
            if (current.isEmpty()) {
                return Sweep.CURRENT;
            }
            StoredSecret s = current.get();
            StoredSecret next;
            try {
                SecretEnvelope.Header h = SecretEnvelope.header(s.envelope());
                if (h.passwordProtected()) {
                    return Sweep.PASSWORD_PROTECTED;
                }
                if (h.version() == SecretEnvelope.VERSION && h.serverKeyId().orElseThrow().equals(sealing.primaryId())) {
                    return Sweep.CURRENT;
                }
                next = rewrite(s, s.metadata(), sealing);
            } catch (SecretException e) {
                return Sweep.FAILED; // a key this node lacks, or a corrupted record: reported, left as it is
            }
            if (store.replace(s.metadata(), next)) {
                return Sweep.MOVED;
            }
        }
        return Sweep.FAILED;
    }

    @Override
    public KeyRingStatus keyRing() {
        return keys.status();
    }

    @Override
    public void retireKey(String keyId) {
        int secrets = 0;
        for (StoredSecret s : store.listAll()) {
            if (sealedWith(s.envelope(), keyId)) {
                secrets++;
            }
        }
        int projectKeys = 0;
        for (SecretStore.ProjectKeyId id : store.projectKeys()) {
            if (store.findProjectKey(id.org(), id.project()).filter(w -> sealedWith(w, keyId)).isPresent()) {
                projectKeys++;
            }
        }
        if (secrets + projectKeys > 0) {
            throw new SecretException(Kind.CONFLICT, "Server key '" + keyId + "' still seals " + secrets + " secret(s) and "
                    + projectKeys + " project key(s): run reencryptAll() until it moves nothing and fails nothing, "
                    + "then retire it");
        }
        keys.retire(keyId);
    }

    private static boolean sealedWith(byte[] envelope, String keyId) {
        try {
            return SecretEnvelope.header(envelope).serverKeyId().filter(keyId::equals).isPresent();
        } catch (SecretException e) {
            return false; // not readable at all: no key can open it, so it does not hold a key back
        }
    }

    @Override
    public void heartbeat() {
        keys.heartbeat();
    }

    @Override
    public EncryptedStrings encryptedStrings() {
        return strings;
    }

    @Override
    public PasswordPolicy passwordPolicy() {
        return passwordPolicy;
    }

    @Override
    public void close() {
        keys.close();
    }

    @Override
    public String toString() {
        return "SecretManager[node=" + keys.nodeId() + ", store=" + store + ", keys=" + ring + ", policy=" + policy + "]";
    }
}
