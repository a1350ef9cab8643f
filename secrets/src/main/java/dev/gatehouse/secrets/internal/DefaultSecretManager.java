package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.FailureThrottle;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.AccessPolicy;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.EncryptedStrings;
import dev.gatehouse.secrets.Grantee;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/** The {@link SecretManager}. Thread-safe: all state is in the store. */
public final class DefaultSecretManager implements SecretManager {

    /** The most grants one secret may carry. */
    public static final int MAX_GRANTS = 256;

    private final SecretStore store;
    private final ServerKeyRing ring;
    private final AccessPolicy policy;
    private final Clock clock;
    private final Argon2Parameters argon2;
    private final PasswordPolicy passwordPolicy;
    private final int maxValueBytes;
    private final SecretEnvelope serverKeys;
    private final ProjectKeyEncryptedStrings strings;
    private final StorePasswordGuard passwords;

    /** A manager; see {@link SecretManager.Builder} for the parameters. */
    public DefaultSecretManager(SecretStore store, ServerKeyRing ring, AccessPolicy policy, Clock clock,
            Argon2Parameters argon2, PasswordPolicy passwordPolicy, int maxValueBytes) {
        this(store, ring, policy, clock, argon2, passwordPolicy, maxValueBytes, new StorePasswordGuard(argon2,
                argon2.atLeast(Argon2Parameters.defaultOpenMaximum()), FailureThrottle.create(Throttling.defaults(), clock)));
    }

    /** A manager whose store passwords are opened through {@code passwords} (throttle, Argon2id bound). */
    public DefaultSecretManager(SecretStore store, ServerKeyRing ring, AccessPolicy policy, Clock clock,
            Argon2Parameters argon2, PasswordPolicy passwordPolicy, int maxValueBytes, StorePasswordGuard passwords) {
        this.passwords = passwords;
        this.store = store;
        this.ring = ring;
        this.policy = policy;
        this.clock = clock;
        this.argon2 = argon2;
        this.passwordPolicy = passwordPolicy;
        this.maxValueBytes = maxValueBytes;
        this.serverKeys = SecretEnvelope.withServerKeys(ring);
        this.strings = new ProjectKeyEncryptedStrings(store, ring);
    }

    /** The associated data that binds an envelope to its record. */
    public static byte[] binding(UUID id, String org, String name, SecretType type) {
        return new Codec.Writer().string("gatehouse/secret/v1").string(id.toString()).string(org).string(name)
                .string(type.name()).toByteArray();
    }

    @Override
    public SecretMetadata create(Caller caller, NewSecret secret) {
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
                throw new SecretException(Kind.ALREADY_EXISTS, "Secret already exists: " + secret.name());
            }
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            byte[] plain = Payloads.encode(value);
            byte[] envelope;
            try {
                byte[] aad = binding(id, secret.org(), secret.name(), value.type());
                envelope = sealer(password).seal(plain, aad);
            } finally {
                Arrays.fill(plain, (byte) 0);
                value.wipe();
            }
            SecretMetadata m = SecretMetadata.of(id, secret.org(), secret.name(), value.type(),
                            secret.owner().orElse(caller.userId()),
                            password.isPresent() ? Optional.empty() : Optional.of(ring.primaryId()), now)
                    .withVisibility(secret.visibility()).withProjects(secret.projects()).withPublicKey(publicKeyOf(value));
            store.insert(new StoredSecret(m, envelope));
            return m;
        } finally {
            secret.wipe();
        }
    }

    /** What seals a new envelope: the store password if there is one, else the server keys. */
    private SecretEnvelope sealer(Optional<char[]> password) {
        return password.isPresent() ? SecretEnvelope.withPassword(password.get(), argon2) : serverKeys;
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
        return decrypt(caller, s, password);
    }

    private SecretValue decrypt(Caller caller, StoredSecret s, char[] password) {
        SecretMetadata m = s.metadata();
        byte[] aad = binding(m.id(), m.org(), m.name(), m.type());
        byte[] plain;
        if (m.passwordProtected()) {
            if (password == null) {
                throw new SecretException(Kind.INVALID_PASSWORD, "Secret " + m.name()
                        + " is protected by a store password: provide it");
            }
            plain = passwords.open(caller, m, s.envelope(), aad, password);
        } else {
            if (password != null) {
                throw new SecretException(Kind.INVALID_INPUT, "Secret " + m.name() + " has no store password");
            }
            try {
                plain = serverKeys.open(s.envelope(), aad);
            } catch (SecretException e) {
                if (e.kind() == Kind.CORRUPTED) {
                    throw new SecretException(Kind.CORRUPTED, "Secret " + m.qualifiedName() + " cannot be decrypted: its "
                            + "envelope was modified, truncated or belongs to another secret", e);
                }
                throw e;
            }
        }
        return Payloads.decode(m.type(), plain);
    }

    /** The secret, or NOT_FOUND if it does not exist or the caller may not see it. */
    private StoredSecret visible(Caller caller, String org, String name) {
        Optional<StoredSecret> s = store.find(org, name);
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
        List<SecretMetadata> out = new ArrayList<>();
        for (StoredSecret s : store.list(org)) {
            if (policy.permits(caller, s.metadata(), Operation.READ_METADATA)) {
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
            update.newPassword().ifPresent(this::checkNewPassword);

            byte[] envelope = current.envelope();
            SecretType type = m.type();
            boolean protectedNow = m.passwordProtected();
            Optional<String> publicKey = m.publicKey();
            if (update.changesData()) {
                char[] oldPassword = update.currentPassword().orElse(null);
                if (m.passwordProtected() && oldPassword == null) {
                    throw new SecretException(Kind.INVALID_PASSWORD, "Secret " + m.name()
                            + " is protected by a store password: provide the current one to change it");
                }
                // Decrypting first proves the current password (or the envelope's integrity).
                SecretValue old = decrypt(caller, current, m.passwordProtected() ? oldPassword : null);
                SecretValue next = newValue.orElse(old);
                char[] nextPassword = update.newPassword().orElse(
                        update.removePassword() ? null : (m.passwordProtected() ? oldPassword : null));
                type = next.type();
                publicKey = publicKeyOf(next);
                byte[] plain = Payloads.encode(next);
                try {
                    byte[] aad = binding(m.id(), m.org(), m.name(), type);
                    envelope = sealer(Optional.ofNullable(nextPassword)).seal(plain, aad);
                } finally {
                    Arrays.fill(plain, (byte) 0);
                    old.wipe();
                    newValue.ifPresent(SecretValue::wipe);
                }
                protectedNow = nextPassword != null;
            }
            SecretMetadata next = m.withType(type).withVisibility(update.visibility().orElse(m.visibility()))
                    .withOwner(update.owner().orElse(m.owner())).withProjects(update.projects().orElse(m.projects()))
                    .sealedWith(protectedNow ? Optional.empty() : SecretEnvelope.header(envelope).serverKeyId())
                    .withPublicKey(publicKey).nextVersion(clock.instant());
            return commit(new StoredSecret(next, envelope), m);
        } finally {
            update.wipe();
        }
    }

    private SecretMetadata commit(StoredSecret next, SecretMetadata previous) {
        if (!store.replace(next, previous.version())) {
            throw conflict(previous);
        }
        return next.metadata();
    }

    private static SecretException conflict(SecretMetadata m) {
        return new SecretException(Kind.CONFLICT, "Secret " + m.qualifiedName() + " was changed concurrently (the change "
                + "was based on version " + m.version() + "); read it again and retry");
    }

    @Override
    public void delete(Caller caller, String org, String name) {
        StoredSecret s = visible(caller, org, name);
        require(caller, s.metadata(), Operation.DELETE);
        if (!store.delete(org, name)) {
            throw new SecretException(Kind.NOT_FOUND, "Secret not found: " + org + "/" + name);
        }
    }

    @Override
    public SecretMetadata grant(Caller caller, String org, String name, Grantee grantee, AccessLevel level) {
        return changeGrants(caller, org, name, grants -> grants.put(grantee, level));
    }

    @Override
    public SecretMetadata revoke(Caller caller, String org, String name, Grantee grantee) {
        return changeGrants(caller, org, name, grants -> grants.remove(grantee));
    }

    private SecretMetadata changeGrants(Caller caller, String org, String name,
            Consumer<Map<Grantee, AccessLevel>> change) {
        StoredSecret s = visible(caller, org, name);
        SecretMetadata m = s.metadata();
        require(caller, m, Operation.MANAGE);
        Map<Grantee, AccessLevel> grants = new HashMap<>(m.grants());
        change.accept(grants);
        if (grants.size() > MAX_GRANTS) {
            throw new SecretException(Kind.INVALID_INPUT, "A secret can carry at most " + MAX_GRANTS + " grants");
        }
        return commit(new StoredSecret(m.withGrants(grants).nextVersion(clock.instant()), s.envelope()), m);
    }

    @Override
    public ReencryptionReport reencryptAll() {
        Map<Reseal, Integer> counts = new EnumMap<>(Reseal.class);
        for (StoredSecret listed : store.listAll()) {
            SecretMetadata lm = listed.metadata();
            Reseal outcome = Reseal.LOST_RACE;
            Optional<StoredSecret> current = Optional.of(listed);
            for (int attempt = 0; attempt < 3 && outcome == Reseal.LOST_RACE; attempt++) {
                if (attempt > 0) {
                    current = store.find(lm.org(), lm.name());
                }
                outcome = current.isEmpty() ? Reseal.ALREADY_CURRENT : reseal(current.get());
            }
            counts.merge(outcome, 1, Integer::sum);
        }
        ProjectKeyEncryptedStrings.Rewrapped keys = strings.rewrapAll();
        return new ReencryptionReport(counts.getOrDefault(Reseal.RESEALED, 0),
                counts.getOrDefault(Reseal.ALREADY_CURRENT, 0), counts.getOrDefault(Reseal.PASSWORD_PROTECTED, 0),
                counts.getOrDefault(Reseal.LOST_RACE, 0) + counts.getOrDefault(Reseal.UNREADABLE, 0) + keys.failed(),
                keys.moved());
    }

    private enum Reseal { RESEALED, ALREADY_CURRENT, PASSWORD_PROTECTED, LOST_RACE, UNREADABLE }

    /** Moves one secret to the primary key with a compare-and-set on its version. */
    private Reseal reseal(StoredSecret s) {
        SecretMetadata m = s.metadata();
        byte[] aad = binding(m.id(), m.org(), m.name(), m.type());
        byte[] plain;
        try {
            SecretEnvelope.Header h = SecretEnvelope.header(s.envelope());
            if (h.passwordProtected()) {
                return Reseal.PASSWORD_PROTECTED;
            }
            if (h.serverKeyId().orElseThrow().equals(ring.primaryId())) {
                return Reseal.ALREADY_CURRENT;
            }
            plain = serverKeys.open(s.envelope(), aad);
        } catch (SecretException e) {
            return Reseal.UNREADABLE; // unknown key or corrupted: reported, left as it is
        }
        byte[] envelope;
        try {
            envelope = serverKeys.seal(plain, aad);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        SecretMetadata next = m.sealedWith(Optional.of(ring.primaryId())).nextVersion(clock.instant());
        return store.replace(new StoredSecret(next, envelope), m.version()) ? Reseal.RESEALED : Reseal.LOST_RACE;
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
    public String toString() {
        return "SecretManager[store=" + store + ", keys=" + ring + ", policy=" + policy + "]";
    }
}
