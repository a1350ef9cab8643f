package dev.gatehouse.bench.apikey;

import dev.gatehouse.core.AuthenticationResult;
import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.Credentials;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.Realm;
import dev.gatehouse.core.RequestView;
import dev.gatehouse.core.TokenCredentials;
import dev.gatehouse.core.UserType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The Concord way, as the baseline: every request hashes the key and asks the database for the key
 * joined with its owner, in one query. Generous to the baseline: each thread keeps its own open
 * connection and prepared statement (a perfect pool with a statement cache), and roles are not
 * loaded.
 */
final class ConcordStyleRealm implements Realm, AutoCloseable {

    private static final String SQL = "SELECT u.id, u.username, u.user_type, u.disabled, k.expires_at "
            + "FROM gh_api_keys k JOIN gh_users u ON u.id = k.user_id WHERE k.digest = ?";

    private final DataSource dataSource;
    private final Clock clock = Clock.systemUTC();
    private final List<Connection> opened = new ArrayList<>();
    private final ThreadLocal<PreparedStatement> statement;
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    ConcordStyleRealm(DataSource dataSource) {
        this.dataSource = dataSource;
        this.statement = ThreadLocal.withInitial(this::prepare);
    }

    private synchronized PreparedStatement prepare() {
        try {
            Connection c = dataSource.getConnection();
            opened.add(c);
            return c.prepareStatement(SQL);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "concord";
    }

    @Override
    public Optional<Credentials> credentials(RequestView request) {
        AuthorizationHeader h = request.authorization();
        if (h instanceof AuthorizationHeader.Bare bare) {
            return Optional.of(new TokenCredentials(bare.token()));
        }
        if (h instanceof AuthorizationHeader.Bearer bearer) {
            return Optional.of(new TokenCredentials(bearer.token()));
        }
        return Optional.empty();
    }

    @Override
    public AuthenticationResult authenticate(Credentials credentials) {
        if (!(credentials instanceof TokenCredentials token)) {
            return AuthenticationResult.NotMine.instance();
        }
        MessageDigest md = sha256.get();
        md.reset();
        byte[] digest = md.digest(token.token().getBytes(StandardCharsets.US_ASCII));
        try {
            PreparedStatement ps = statement.get();
            ps.setBytes(1, digest);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return AuthenticationResult.Rejected.because("unknown key");
                }
                OffsetDateTime expires = rs.getObject(5, OffsetDateTime.class);
                if (rs.getBoolean(4) || (expires != null && !expires.toInstant().isAfter(clock.instant()))) {
                    return AuthenticationResult.Rejected.because("expired key or disabled user");
                }
                return new AuthenticationResult.Authenticated(Identity.builder(rs.getObject(1, UUID.class),
                        rs.getString(2), name()).userType(UserType.of(rs.getString(3))).build());
            }
        } catch (SQLException e) {
            return new AuthenticationResult.Unavailable("database", Duration.ofSeconds(1));
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        for (Connection c : opened) {
            c.close();
        }
    }
}
