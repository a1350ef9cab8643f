package dev.gatehouse.apikey.internal;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeyException;
import dev.gatehouse.apikey.ApiKeyException.Reason;
import dev.gatehouse.apikey.ApiKeyPermissions;
import dev.gatehouse.apikey.ApiKeyService;
import dev.gatehouse.apikey.ApiKeyStore;
import dev.gatehouse.apikey.IssuedApiKey;
import dev.gatehouse.apikey.NewApiKey;
import dev.gatehouse.apikey.StoredApiKey;
import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.Authorization;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Permission;
import dev.gatehouse.core.User;
import dev.gatehouse.core.audit.AuditEvent;
import dev.gatehouse.core.audit.AuditTrail;
import dev.gatehouse.core.UserDirectory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@link ApiKeyService} of an API-key realm, sharing the realm's {@link KeyVerifier}. Store and
 * directory outages pass through as {@link dev.gatehouse.core.BackendUnavailableException}; a
 * create returns only after the store committed the key. Thread-safe.
 */
public final class DefaultApiKeyService implements ApiKeyService {

    private static final int NAME_ATTEMPTS = 5;
    /** The most scopes one key may have. */
    static final int MAX_SCOPES = 32;

    private final ApiKeyStore store;
    private final UserDirectory users;
    private final KeyVerifier verifier;
    private final GatehouseKeys keys;
    private final boolean acceptConcordKeys;
    private final ApiKeyPermissions permissions;
    private final Optional<Duration> defaultLifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final String realmName;
    private final AuditTrail audit;

    /** The service of one realm; {@code verifier} is the realm's, so revocations reach its cache. */
    public DefaultApiKeyService(ApiKeyStore store, UserDirectory users, KeyVerifier verifier, GatehouseKeys keys,
            boolean acceptConcordKeys, ApiKeyPermissions permissions, Optional<Duration> defaultLifetime, Clock clock,
            String realmName, AuditTrail audit) {
        this.realmName = realmName;
        this.audit = audit;
        this.store = store;
        this.users = users;
        this.verifier = verifier;
        this.keys = keys;
        this.acceptConcordKeys = acceptConcordKeys;
        this.permissions = permissions;
        this.defaultLifetime = defaultLifetime;
        this.clock = clock;
    }

    @Override
    public IssuedApiKey create(Identity caller, NewApiKey request) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        Authorization.require(caller, Permission.APIKEY_MANAGE); // a process token or a key without it mints nothing
        mayManage(caller, request.owner());
        Optional<Set<Permission>> scopes = scopes(caller, request);
        String value;
        byte[] digest;
        ApiKey.KeyFormat format;
        if (request.value().isPresent()) {
            mayChoose(caller, request.owner());
            value = request.value().get();
            if (keys.wellFormedBytes(value) != null) {
                format = ApiKey.KeyFormat.GATEHOUSE;
            } else if (acceptConcordKeys && ConcordKeys.isWellFormed(value)) {
                format = ApiKey.KeyFormat.CONCORD;
            } else {
                throw new ApiKeyException(Reason.INVALID_KEY, "a chosen key must be a well-formed key of this realm ("
                        + keys.length() + " characters with its prefix and checksum"
                        + (acceptConcordKeys ? ", or a Concord key: standard base64)" : ")"));
            }
            digest = verifier.digestOf(value);
        } else {
            value = keys.generate(random);
            format = ApiKey.KeyFormat.GATEHOUSE;
            digest = verifier.digestOf(value);
        }
        ApiKey stored = insert(request, format, digest, scopes);
        audit(caller, AuditEvent.APIKEY_CREATE, stored);
        return new IssuedApiKey(stored, value);
    }

    @Override
    public ApiKey importConcordKey(Identity caller, NewApiKey request, String concordDigest) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        Authorization.require(caller, Permission.APIKEY_MANAGE);
        mayManage(caller, request.owner());
        mayChoose(caller, request.owner());
        Optional<Set<Permission>> scopes = scopes(caller, request);
        if (request.value().isPresent()) {
            throw new ApiKeyException(Reason.INVALID_KEY, "an imported Concord key is given by its digest, not a value");
        }
        byte[] digest = ConcordKeys.parseStoredDigest(concordDigest);
        if (digest == null) {
            throw new ApiKeyException(Reason.INVALID_KEY,
                    "a Concord key digest is the base64 of a SHA-256 digest (43 characters, or 44 with '=')");
        }
        ApiKey stored = insert(request, ApiKey.KeyFormat.CONCORD, digest, scopes);
        audit(caller, AuditEvent.APIKEY_CREATE, stored);
        return stored;
    }

    /**
     * The scopes the new key gets: those asked for, each of which the caller's credential must
     * carry and both the caller and the owner must hold ({@link ApiKeyPermissions#permissionsOf});
     * none asked for, the caller's own scopes if its credential is scoped (narrowed to the
     * owner's rights), else none (an unscoped key).
     */
    private Optional<Set<Permission>> scopes(Identity caller, NewApiKey request) {
        if (request.scopes().isEmpty() && caller.scopes().isEmpty()) {
            return Optional.empty();
        }
        UUID owner = request.owner();
        User user = users.findById(owner).orElseThrow(() -> new ApiKeyException(Reason.UNKNOWN_USER,
                "no user with id " + owner));
        Set<Permission> ownerHolds = permissions.permissionsOf(Identity.of(user, realmName));
        if (request.scopes().isEmpty()) {
            return Optional.of(Permission.intersection(caller.scopes().get(), ownerHolds));
        }
        Set<Permission> asked = request.scopes().get();
        if (asked.size() > MAX_SCOPES) {
            throw new ApiKeyException(Reason.INVALID_SCOPES, "a key may have at most " + MAX_SCOPES + " scopes, was "
                    + asked.size());
        }
        Set<Permission> callerHolds = permissions.permissionsOf(caller);
        for (Permission p : new TreeSet<>(asked.stream().map(Permission::name).toList()).stream().map(Permission::of).toList()) {
            if (!caller.permits(p) || !Permission.anyCovers(callerHolds, p)) {
                throw new ApiKeyException(Reason.FORBIDDEN, "scope " + p.name() + " is not granted to the caller '"
                        + caller.username() + "', so it cannot give it to a key");
            }
            if (!Permission.anyCovers(ownerHolds, p)) {
                throw new ApiKeyException(Reason.FORBIDDEN, "scope " + p.name() + " is not granted to the key's owner '"
                        + user.username() + "'");
            }
        }
        return Optional.of(asked);
    }

    private void audit(Identity caller, String action, ApiKey key) {
        audit.record(AuditEvent.by(caller, action).at(clock.instant()).target("apikey:" + key.id())
                .detail(describe(key)));
    }

    private static String describe(ApiKey key) {
        return "owner " + key.owner() + ", name " + key.name()
                + key.scopes().map(s -> ", scopes " + new TreeSet<>(s.stream().map(Permission::name).toList())).orElse("");
    }

    private ApiKey insert(NewApiKey request, ApiKey.KeyFormat format, byte[] digest, Optional<Set<Permission>> scopes) {
        UUID owner = request.owner();
        users.findById(owner).orElseThrow(() -> new ApiKeyException(Reason.UNKNOWN_USER, "no user with id " + owner));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<Instant> expiresAt = request.expiresAt().or(() -> defaultLifetime.map(now::plus))
                .map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new ApiKeyException(Reason.INVALID_EXPIRY, "the expiry must be in the future");
        }
        if (request.name().isPresent() && !KeyNames.isValid(request.name().get())) {
            throw new ApiKeyException(Reason.INVALID_NAME, "a key name must match " + NAME_PATTERN);
        }
        // Only a definite duplicate (rolled back) is retried, with another generated name. An outage
        // or a commit whose outcome is unknown is never retried and never acknowledged: it passes
        // through as BackendUnavailableException, so a returned key is always a committed one.
        for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
            String name = request.name().orElseGet(() -> KeyNames.generate(random));
            ApiKey key = new ApiKey(UUID.randomUUID(), owner, name, format, now, expiresAt, Optional.empty(), scopes);
            if (store.insert(new StoredApiKey(key, digest))) {
                verifier.forgetUnknown(digest);
                return key;
            }
            boolean nameTaken = store.findByOwner(owner).stream().anyMatch(k -> k.key().name().equals(name));
            if (!nameTaken) {
                throw new ApiKeyException(Reason.KEY_TAKEN, "this key is already stored");
            }
            if (request.name().isPresent()) {
                throw new ApiKeyException(Reason.NAME_TAKEN, "the user already has a key named '" + name + "'");
            }
        }
        throw new ApiKeyException(Reason.NAME_TAKEN, "could not generate a free key name");
    }

    @Override
    public List<ApiKey> list(Identity caller, UUID owner) {
        Objects.requireNonNull(caller, "caller");
        mayManage(caller, owner);
        return store.findByOwner(owner).stream().map(StoredApiKey::key).toList();
    }

    @Override
    public boolean revoke(Identity caller, UUID keyId) {
        Objects.requireNonNull(caller, "caller");
        Optional<StoredApiKey> key = store.findById(keyId);
        if (key.isEmpty()) {
            return false;
        }
        mayManage(caller, key.get().owner());
        try {
            boolean deleted = store.delete(keyId).isPresent();
            if (deleted) {
                audit(caller, AuditEvent.APIKEY_REVOKE, key.get().key());
            }
            return deleted;
        } finally {
            // Also when the delete failed: its outcome may be unknown, and a reload costs little.
            verifier.invalidate(key.get());
        }
    }

    @Override
    public int revokeAll(Identity caller, UUID owner) {
        Objects.requireNonNull(caller, "caller");
        mayManage(caller, owner);
        try {
            List<StoredApiKey> deleted = store.deleteByOwner(owner);
            deleted.forEach(verifier::invalidate);
            deleted.forEach(k -> audit(caller, AuditEvent.APIKEY_REVOKE, k.key()));
            return deleted.size();
        } finally {
            verifier.invalidateOwner(owner);
        }
    }

    @Override
    public AuthenticationResult verify(String key) {
        AuthenticationResult result = verifier.verify(key);
        return result instanceof AuthenticationResult.NotMine
                ? AuthenticationResult.Rejected.because("not an API key of this realm")
                : result;
    }

    @Override
    public int deleteExpired() {
        List<StoredApiKey> expired;
        try {
            expired = store.deleteExpiredKeys(clock.instant());
        } catch (UnsupportedOperationException e) {
            int n = store.deleteExpired(clock.instant()); // a host's store that cannot name them
            if (n > 0) {
                audit.record(AuditEvent.bySystem(AuditEvent.APIKEY_EXPIRE).at(clock.instant()).detail(n + " keys"));
            }
            return n;
        }
        for (StoredApiKey k : expired) {
            verifier.invalidate(k);
            audit.record(AuditEvent.bySystem(AuditEvent.APIKEY_EXPIRE).at(clock.instant()).target("apikey:" + k.id())
                    .detail(describe(k.key())));
        }
        return expired.size();
    }

    private void mayManage(Identity caller, UUID owner) {
        if (!permissions.mayManageKeysOf(caller, owner)) {
            throw new ApiKeyException(Reason.FORBIDDEN, "'" + caller.username() + "' may not manage the keys of user "
                    + owner);
        }
    }

    private void mayChoose(Identity caller, UUID owner) {
        if (!permissions.mayChooseKeyValue(caller, owner)) {
            throw new ApiKeyException(Reason.FORBIDDEN, "'" + caller.username() + "' may not choose a key's value");
        }
    }
}
