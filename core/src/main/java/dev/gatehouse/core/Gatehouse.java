package dev.gatehouse.core;

import dev.gatehouse.core.internal.Engine;
import dev.gatehouse.core.internal.PropertiesConfig;
import dev.gatehouse.core.internal.RealmFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * The authentication engine: realms in their configured order, throttling and audit. Build one
 * with {@link #builder()}, hand it to the servlet filter, or call {@link #authenticate} directly.
 * Immutable and thread-safe once built.
 *
 * <p><b>One principal per request.</b> A request that carries more than one credential (a
 * password and a token, an API key and a session token, two tokens, one credential header sent
 * twice) is refused with 400 and a message naming the headers, before any realm verifies
 * anything, unless the host configured a {@link Builder#credentialPrecedence precedence}: then
 * the credential of the first listed header that the request carries is the request's only
 * credential, and the realms never see the others.
 *
 * <p>The realms are then asked in order for their credentials; every realm that recognises the
 * credential verifies it, until one authenticates (a {@link AuthenticationResult.Rejected#conclusive()
 * conclusive} rejection stops the others from being asked). A credential that no realm takes, or
 * that every realm refuses, is a 401; a realm that throws counts as a refusal; a realm whose
 * backend is down makes it a 503 unless another realm authenticates. See {@link Throttling} for
 * when attempts are refused with 429.
 */
public final class Gatehouse implements AutoCloseable {

    private final Engine engine;

    private Gatehouse(Engine engine) {
        this.engine = engine;
    }

    /** A builder with no realms, an in-memory user directory, the UTC clock and default throttling. */
    public static Builder builder() {
        return new Builder();
    }

    /** Decides one request. Never throws for anything the request carries. */
    public Decision authenticate(RequestView request, AuthenticationMode mode) {
        return engine.authenticate(request, mode);
    }

    /** The realms, in the order they are asked. */
    public List<Realm> realms() {
        return engine.realms();
    }

    /**
     * The first realm that is an instance of {@code type}, e.g. {@code ApiKeyRealm.class} to reach
     * its key service. The one way to find a configured realm.
     */
    public <T> Optional<T> realm(Class<T> type) {
        Objects.requireNonNull(type, "type");
        for (Realm r : engine.realms()) {
            if (type.isInstance(r)) {
                return Optional.of(type.cast(r));
            }
        }
        return Optional.empty();
    }

    /**
     * The client's address for {@code request}, as throttling and audit events see it: the peer's,
     * or a {@link TrustedProxies trusted proxy}'s report of it.
     */
    public String clientAddress(RequestView request) {
        return engine.clientAddress(request);
    }

    /** The {@code WWW-Authenticate} challenges sent with every 401. */
    public List<String> challenges() {
        return engine.challenges();
    }

    /** The user directory the realms sign users in against. */
    public UserDirectory users() {
        return engine.users();
    }

    /**
     * Closes every realm that holds resources (connection pools, background flushers): those that
     * implement {@link AutoCloseable}, in reverse order. Failures are logged, and every realm is
     * closed. The engine must not be used afterwards.
     */
    @Override
    public void close() {
        List<Realm> realms = engine.realms();
        for (int i = realms.size() - 1; i >= 0; i--) {
            if (realms.get(i) instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(Gatehouse.class)
                            .warn("realm {} failed to close", realms.get(i).name(), e);
                }
            }
        }
    }

    /**
     * Builds a {@link Gatehouse}. Not thread-safe. Every setting fails fast with a message that names
     * it.
     */
    public static final class Builder {
        private final List<RealmFactory.Spec> realms = new ArrayList<>();
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private UserDirectory users;
        private Duration accountsRevocationBound = Duration.ofMillis(Accounts.DEFAULT_REVOCATION_BOUND_MILLIS);
        private Clock clock = Clock.systemUTC();
        private Throttling throttling = Throttling.defaults();
        private AuthenticationListener listener = AuthenticationListener.logging();
        private ClassLoader classLoader;
        private UnaryOperator<String> environment = System::getenv;
        private TrustedProxies proxies = TrustedProxies.none();
        private List<String> precedence = List.of();
        private ProcessPolicy processPolicy = ProcessPolicy.defaults();

        private Builder() {}

        /** The user directory; defaults to an in-memory one. */
        /**
         * How long the realms' shared {@link Accounts} may serve a user record without reading it
         * again (default 1 s; 0 reads on every request): the bound within which a user disabled,
         * deleted or given other roles on another node is seen here. Setting
         * {@code gatehouse.accounts.revocationBound}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder accountsRevocationBound(Duration bound) {
            if (bound.isNegative()) {
                throw new IllegalArgumentException("gatehouse.accounts.revocationBound must not be negative, was " + bound);
            }
            this.accountsRevocationBound = bound;
            return this;
        }

        public Builder users(UserDirectory users) {
            this.users = Objects.requireNonNull(users, "users");
            return this;
        }

        /** The clock for every expiry and timestamp; defaults to {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** When to refuse attempts with 429; defaults to {@link Throttling#defaults()}. */
        public Builder throttling(Throttling throttling) {
            this.throttling = Objects.requireNonNull(throttling, "throttling");
            return this;
        }

        /**
         * The proxies whose {@code X-Forwarded-For} or {@code Forwarded} header names the client;
         * defaults to {@link TrustedProxies#none()}, under which the peer is the client.
         */
        public Builder trustedProxies(TrustedProxies proxies) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /**
         * Lets a request carry several credentials, and says which one decides: the credential of
         * the first header in {@code headerNames} that the request carries is its only credential;
         * the realms never see the others (they are not verified, not counted, and cannot rescue or
         * be rescued). A request with a credential header not listed here, or whose deciding header
         * is sent twice, is still refused with 400. Without this (the default), every request with
         * more than one credential is refused.
         *
         * <p>Concord, for one, lets an API key in {@code Authorization} win over a session token:
         * {@code credentialPrecedence("Authorization", "X-Concord-SessionToken")}.
         *
         * @param headerNames at least two headers that realms read credentials from; checked at
         *     {@link #build()}
         */
        public Builder credentialPrecedence(String... headerNames) {
            List<String> names = new ArrayList<>();
            for (String h : headerNames) {
                names.add(Objects.requireNonNull(h, "header name").strip());
            }
            this.precedence = List.copyOf(names);
            return this;
        }

        /**
         * What identities that act for a process may do; defaults to {@link ProcessPolicy#defaults()},
         * which refuses credential management and anything that outlives the process.
         */
        public Builder processPolicy(ProcessPolicy policy) {
            this.processPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Replaces the default logging listener. */
        public Builder listener(AuthenticationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Makes {@code service} available to realm providers through {@link RealmContext#service}
         * (a {@code javax.sql.DataSource}, a process registry, a key store).
         *
         * @throws IllegalStateException if a service of that type was already registered
         */
        public <T> Builder service(Class<T> type, T service) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(service, "service");
            if (services.putIfAbsent(type, service) != null) {
                throw new IllegalStateException("a service of type " + type.getName() + " was already registered");
            }
            return this;
        }

        /** Where to look for {@link RealmProvider}s; defaults to the thread's context class loader. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /**
         * How {@code ${env:NAME}} is resolved in {@link #properties(Properties)}; defaults to
         * {@link System#getenv(String)}. A function returning {@code null} means "not set".
         */
        public Builder environment(UnaryOperator<String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** Adds a realm instance the host built itself; realms are asked in the order added. */
        public Builder realm(Realm realm) {
            Objects.requireNonNull(realm, "realm");
            realms.add(RealmFactory.Spec.ofInstance(realm));
            return this;
        }

        /**
         * Adds a realm of {@code type}, built at {@link #build()} by the {@link RealmProvider} for
         * that type found with {@link java.util.ServiceLoader}.
         *
         * @param name the realm's name, unique among this engine's realms
         * @param settings the realm's settings, keys without the {@code realm.<name>.} prefix
         */
        public Builder realm(String name, String type, Map<String, String> settings) {
            realms.add(RealmFactory.Spec.ofType(name, type, settings));
            return this;
        }

        /**
         * Reads realms and throttling from properties:
         *
         * <pre>
         * gatehouse.realms=apikey,ldap,session     # names, in the order they are asked
         * realm.ldap.type=ldap                      # optional; defaults to the name
         * realm.ldap.url=ldap://dc1:389,ldap://dc2:389
         * realm.ldap.systemPassword=${env:LDAP_PASSWORD}
         * gatehouse.throttle.maxFailures=5
         * gatehouse.throttle.initialDelay=1s
         * gatehouse.throttle.maxDelay=5m
         * gatehouse.throttle.maxFailuresPerAddress=100
         * gatehouse.throttle.maxAddressesPerAccount=10
         * gatehouse.throttle.loginForms=DOMAIN_BACKSLASH_USER,USER_AT_DOMAIN
         * gatehouse.trustedProxies=10.0.0.0/8,127.0.0.1   # peers whose X-Forwarded-For is believed
         * gatehouse.trustedProxies.header=X-Forwarded-For # or Forwarded (RFC 7239)
         * gatehouse.credentialPrecedence=Authorization,X-Concord-SessionToken
         * gatehouse.processPermissions=secret:read,secret:decrypt,process:self
         * </pre>
         *
         * <p>{@code ${env:NAME}} is replaced by the environment variable (or
         * {@code ${env:NAME:-default}}), so no secret has to sit in the file. Keys outside
         * {@code gatehouse.*} and {@code realm.*} are left to the host.
         *
         * @throws ConfigurationException naming the key of a wrong or missing setting
         */
        public Builder properties(Properties properties) {
            PropertiesConfig config = PropertiesConfig.read(properties, environment);
            config.throttling().ifPresent(this::throttling);
            config.revocationBound().ifPresent(this::accountsRevocationBound);
            config.trustedProxies().ifPresent(this::trustedProxies);
            config.processPermissions().ifPresent(p -> processPolicy(ProcessPolicy.allowing(p)));
            if (!config.credentialPrecedence().isEmpty()) {
                credentialPrecedence(config.credentialPrecedence().toArray(new String[0]));
            }
            realms.addAll(config.realms());
            return this;
        }

        /**
         * Builds the engine, creating every configured realm.
         *
         * @throws ConfigurationException if a realm type is unknown, a realm name repeats, a realm's
         *     settings are wrong or unknown, or the credential precedence names a header no realm
         *     reads
         */
        public Gatehouse build() {
            UserDirectory directory = users != null ? users : UserDirectory.inMemory(clock);
            ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            Accounts accounts = new Accounts(directory, clock, accountsRevocationBound, System::nanoTime);
            List<Realm> built = RealmFactory.build(realms, directory, accounts, clock, Map.copyOf(services), loader);
            return new Gatehouse(new Engine(built,
                    new Engine.Options(directory, clock, throttling, listener, proxies, precedence, processPolicy)));
        }
    }
}
