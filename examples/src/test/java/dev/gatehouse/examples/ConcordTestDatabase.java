package dev.gatehouse.examples;

import dev.gatehouse.core.testing.PostgresSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Concord database in a private PostgreSQL schema, with the tables and columns the migration reads
 * laid out as Concord's Liquibase changelogs ({@code server/db/src/main/resources/.../db/v*.xml}) leave
 * them, and a writer that stores records as Concord's server code does: {@code SecretManager.create}
 * (per-secret 16-byte salt, SHA-256, server password or store password), {@code SecretUtils},
 * {@code KeyPair}/{@code UsernamePassword.serialize}, {@code EncryptedProjectValueManager} (project keys
 * wrapped under {@code MD5(secretStoreSalt)}), {@code ApiKeyDao} ({@code base64(SHA-256(decoded key))}).
 * Records are made from a seeded random, so a wrong key fails the same way on every run.
 */
final class ConcordTestDatabase implements AutoCloseable {

    /** Concord's configuration values (base64, as in concord.conf). */
    static final String SERVER_PASSWORD = Base64.getEncoder().encodeToString("concord-server-pwd".getBytes(StandardCharsets.UTF_8));
    static final String STORE_SALT = Base64.getEncoder().encodeToString("concord-store-salt".getBytes(StandardCharsets.UTF_8));
    static final String PROJECT_SALT = Base64.getEncoder().encodeToString("concord-project-salt".getBytes(StandardCharsets.UTF_8));

    static final String SHA256 = "SHA-256";
    static final String MD5 = "md5";

    private final PostgresSchema pg;
    private final boolean legacy;
    final Random random = new Random(1401);

    /**
     * @param legacy the layout of a Concord from before 1.98.1: no {@code SECRET_SALT} or
     *     {@code HASH_ALGORITHM}, {@code SECRETS.PROJECT_ID} instead of {@code PROJECT_SECRETS}
     */
    ConcordTestDatabase(boolean legacy) throws SQLException {
        this.pg = PostgresSchema.create("concord");
        this.legacy = legacy;
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE users (user_id uuid PRIMARY KEY, username varchar(64) NOT NULL,
                        display_name varchar(1024), user_type varchar(32) NOT NULL DEFAULT 'LOCAL',
                        user_email varchar(512), is_disabled boolean NOT NULL DEFAULT false, domain varchar(512),
                        last_group_sync_dt timestamp, disabled_date timestamptz,
                        is_permanently_disabled boolean NOT NULL DEFAULT false);
                    CREATE TABLE roles (role_id uuid PRIMARY KEY, role_name varchar(256) NOT NULL UNIQUE);
                    CREATE TABLE user_roles (user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
                        role_id uuid NOT NULL REFERENCES roles ON DELETE CASCADE, PRIMARY KEY (user_id, role_id));
                    CREATE TABLE organizations (org_id uuid PRIMARY KEY, org_name varchar(128) NOT NULL UNIQUE,
                        visibility varchar(128) NOT NULL DEFAULT 'PUBLIC', meta jsonb, org_cfg jsonb,
                        owner_id uuid REFERENCES users ON DELETE SET NULL);
                    CREATE TABLE teams (team_id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES organizations
                        ON DELETE CASCADE, team_name varchar(128) NOT NULL, description varchar(2048),
                        UNIQUE (org_id, team_name));
                    CREATE TABLE user_teams (user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
                        team_id uuid NOT NULL REFERENCES teams ON DELETE CASCADE,
                        team_role varchar(128) NOT NULL DEFAULT 'MEMBER', PRIMARY KEY (user_id, team_id));
                    CREATE TABLE projects (project_id uuid PRIMARY KEY, project_name varchar(128) NOT NULL,
                        org_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE, description varchar(1024),
                        visibility varchar(128) NOT NULL DEFAULT 'PUBLIC', owner_id uuid REFERENCES users
                        ON DELETE SET NULL, secret_key bytea, meta jsonb, created_at timestamptz DEFAULT now(),
                        UNIQUE (org_id, project_name));
                    CREATE TABLE api_keys (key_id uuid PRIMARY KEY, api_key varchar(64) NOT NULL UNIQUE,
                        user_id uuid REFERENCES users ON DELETE CASCADE, key_name varchar(128) NOT NULL,
                        expired_at timestamp, last_notified_at timestamp, UNIQUE (user_id, key_name));
                    """);
            s.execute("CREATE TABLE secrets (secret_id uuid PRIMARY KEY, secret_name varchar(128) NOT NULL, "
                    + "secret_type varchar(32) NOT NULL, secret_data bytea, org_id uuid NOT NULL REFERENCES organizations, "
                    + "owner_id uuid REFERENCES users ON DELETE SET NULL, encrypted_by varchar(128) NOT NULL, "
                    + "store_type varchar(128) NOT NULL, visibility varchar(128) NOT NULL DEFAULT 'PUBLIC', "
                    + (legacy ? "project_id uuid REFERENCES projects ON DELETE SET NULL, "
                            : "last_updated_at timestamptz, secret_salt bytea NOT NULL, hash_algorithm varchar(32) "
                                    + "DEFAULT 'md5', created_at timestamptz DEFAULT now(), ")
                    + "UNIQUE (org_id, secret_name))");
            if (!legacy) {
                s.execute("""
                        CREATE TABLE project_secrets (secret_id uuid NOT NULL REFERENCES secrets ON DELETE CASCADE,
                            project_id uuid NOT NULL REFERENCES projects ON DELETE CASCADE, PRIMARY KEY (secret_id, project_id));
                        """);
            }
            s.execute("""
                    CREATE TABLE secret_team_access (secret_id uuid NOT NULL REFERENCES secrets ON DELETE CASCADE,
                        team_id uuid NOT NULL REFERENCES teams ON DELETE CASCADE, access_level varchar(128) NOT NULL,
                        PRIMARY KEY (secret_id, team_id));
                    """);
        }
    }

    String jdbcUrl() {
        return pg.jdbcUrl();
    }

    String user() {
        return pg.user();
    }

    private UUID uuid() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    void exec(String sql, Object... args) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    // ---- Concord's algorithms

    /** {@code SecretUtils.hash}. */
    static byte[] hash(byte[] in, byte[] salt, String algorithm) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        digest.update(salt);
        return in != null ? digest.digest(in) : digest.digest();
    }

    /** {@code SecretUtils.encrypt}: Cipher "AES" through a CipherInputStream. */
    static byte[] encrypt(byte[] input, byte[] password, byte[] salt, String algorithm) throws Exception {
        Cipher c = Cipher.getInstance("AES");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hash(password, salt, algorithm), "AES"));
        try (CipherInputStream in = new CipherInputStream(new ByteArrayInputStream(input), c)) {
            return in.readAllBytes();
        }
    }

    /** {@code UsernamePassword.serialize}. */
    static byte[] usernamePassword(String username, String password) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(baos);
        out.writeUTF(username);
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password.toCharArray()));
        byte[] ab = new byte[bb.remaining()];
        bb.get(ab);
        out.writeInt(ab.length);
        out.write(ab);
        return baos.toByteArray();
    }

    /** {@code KeyPair.serialize}. */
    static byte[] keyPair(byte[] publicKey, byte[] privateKey) throws IOException {
        ByteArrayOutputStream baos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(baos);
        out.writeInt(publicKey.length);
        out.write(publicKey);
        out.writeInt(privateKey.length);
        out.write(privateKey);
        return baos.toByteArray();
    }

    /** {@code ApiKeyUtils.hash}. */
    static String apiKeyHash(String key) throws Exception {
        byte[] ab = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(key));
        return Base64.getEncoder().withoutPadding().encodeToString(ab);
    }

    /** {@code ProjectResource.encrypt} with {@code EncryptedProjectValueManager.encrypt}, base64 as Jackson sends it. */
    static String encryptString(String value, byte[] projectKey) throws Exception {
        return Base64.getEncoder().encodeToString(encrypt(value.getBytes(StandardCharsets.UTF_8), projectKey,
                Base64.getDecoder().decode(PROJECT_SALT), MD5));
    }

    // ---- records

    UUID user(String username, String domain, String displayName, String email, String type, boolean disabled,
            String... roles) throws SQLException {
        UUID id = uuid();
        exec("INSERT INTO users (user_id, username, domain, display_name, user_email, user_type, is_disabled) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, username, domain, displayName, email, type, disabled);
        for (String r : roles) {
            UUID roleId = UUID.nameUUIDFromBytes(r.getBytes(StandardCharsets.UTF_8));
            exec("INSERT INTO roles (role_id, role_name) VALUES (?, ?) ON CONFLICT DO NOTHING", roleId, r);
            exec("INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)", id, roleId);
        }
        return id;
    }

    UUID org(String name) throws SQLException {
        UUID id = uuid();
        exec("INSERT INTO organizations (org_id, org_name) VALUES (?, ?)", id, name);
        return id;
    }

    UUID team(UUID org, String name, UUID... members) throws SQLException {
        UUID id = uuid();
        exec("INSERT INTO teams (team_id, org_id, team_name) VALUES (?, ?, ?)", id, org, name);
        for (UUID m : members) {
            exec("INSERT INTO user_teams (user_id, team_id) VALUES (?, ?)", m, id);
        }
        return id;
    }

    /** How a project's key is stored. */
    enum ProjectKeyKind {
        /** {@code createEncryptedSecretKey}: 128 random bytes, wrapped. */
        GENERATED,
        /** An old project's name-based key, wrapped on first use. */
        NAME_WRAPPED,
        /** Never used: {@code SECRET_KEY} is null (Concord would use the name). */
        NONE
    }

    /** Creates a project; returns its raw key. */
    byte[] project(UUID org, String name, ProjectKeyKind kind, UUID[] idOut) throws Exception {
        UUID id = uuid();
        byte[] raw;
        byte[] stored;
        byte[] salt = Base64.getDecoder().decode(STORE_SALT);
        switch (kind) {
            case GENERATED -> {
                raw = new byte[128];
                random.nextBytes(raw);
                stored = encrypt(raw, null, salt, MD5);
            }
            case NAME_WRAPPED -> {
                raw = name.getBytes(StandardCharsets.UTF_8);
                stored = encrypt(raw, null, salt, MD5);
            }
            default -> {
                raw = name.getBytes(StandardCharsets.UTF_8);
                stored = null;
            }
        }
        exec("INSERT INTO projects (project_id, project_name, org_id, secret_key) VALUES (?, ?, ?, ?)", id, name, org, stored);
        if (idOut != null) {
            idOut[0] = id;
        }
        return raw;
    }

    void apiKey(UUID user, String name, String plaintext, Instant expiredAt) throws Exception {
        exec("INSERT INTO api_keys (key_id, api_key, user_id, key_name, expired_at) VALUES (?, ?, ?, ?, ?)", uuid(),
                apiKeyHash(plaintext), user, name, expiredAt == null ? null : Timestamp.from(expiredAt));
    }

    /** A secret as Concord stores it. */
    record SecretSpec(UUID org, String name, String type, byte[] payload, String storePassword, String hash,
            boolean ownSalt, String visibility, UUID owner, UUID[] projects, Map<UUID, String> teamGrants) {}

    /** Stores a secret as {@code SecretManager.create} does (or an older Concord, for {@code ownSalt=false}). */
    UUID secret(SecretSpec s) throws Exception {
        UUID id = uuid();
        byte[] salt;
        if (s.ownSalt()) {
            salt = new byte[16];
            random.nextBytes(salt);
        } else {
            salt = Base64.getDecoder().decode(STORE_SALT);
        }
        byte[] password = s.storePassword() == null ? Base64.getDecoder().decode(SERVER_PASSWORD)
                : s.storePassword().getBytes(StandardCharsets.UTF_8);
        byte[] data = encrypt(s.payload(), password, salt, s.hash());
        insertSecret(id, s, data, salt);
        return id;
    }

    void insertSecret(UUID id, SecretSpec s, byte[] data, byte[] salt) throws SQLException {
        String encryptedBy = s.storePassword() == null ? "SERVER_KEY" : "PASSWORD";
        if (legacy) {
            exec("INSERT INTO secrets (secret_id, secret_name, secret_type, secret_data, org_id, owner_id, encrypted_by, "
                    + "store_type, visibility, project_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'concord', ?, ?)", id, s.name(),
                    s.type(), data, s.org(), s.owner(), encryptedBy, s.visibility(),
                    s.projects().length > 0 ? s.projects()[0] : null);
        } else {
            exec("INSERT INTO secrets (secret_id, secret_name, secret_type, secret_data, org_id, owner_id, encrypted_by, "
                    + "store_type, visibility, secret_salt, hash_algorithm) VALUES (?, ?, ?, ?, ?, ?, ?, 'concord', ?, ?, ?)",
                    id, s.name(), s.type(), data, s.org(), s.owner(), encryptedBy, s.visibility(), salt, s.hash());
            for (UUID p : s.projects()) {
                exec("INSERT INTO project_secrets (secret_id, project_id) VALUES (?, ?)", id, p);
            }
        }
        for (Map.Entry<UUID, String> g : s.teamGrants().entrySet()) {
            exec("INSERT INTO secret_team_access (secret_id, team_id, access_level) VALUES (?, ?, ?)", id, g.getKey(),
                    g.getValue());
        }
    }

    /** {@code n} server-key DATA secrets of 64 bytes, as Concord writes them, in one batch. */
    void bulkData(UUID org, UUID owner, int n) throws Exception {
        byte[] password = Base64.getDecoder().decode(SERVER_PASSWORD);
        try (Connection c = pg.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO secrets (secret_id, secret_name, secret_type, secret_data, org_id, owner_id, encrypted_by, "
                        + "store_type, visibility, secret_salt, hash_algorithm) VALUES (?, ?, 'DATA', ?, ?, ?, 'SERVER_KEY', "
                        + "'concord', 'PRIVATE', ?, 'SHA-256')")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                byte[] value = new byte[64];
                random.nextBytes(value);
                ps.setObject(1, uuid());
                ps.setString(2, String.format("bulk-%05d", i));
                ps.setBytes(3, encrypt(value, password, salt, SHA256));
                ps.setObject(4, org);
                ps.setObject(5, owner);
                ps.setBytes(6, salt);
                ps.addBatch();
                if (i % 500 == 499) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
