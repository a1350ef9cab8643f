package dev.gatehouse.bench.http;

import jakarta.servlet.Filter;
import java.util.List;
import java.util.Map;
import org.apache.shiro.authc.AuthenticationException;
import org.apache.shiro.authc.AuthenticationInfo;
import org.apache.shiro.authc.AuthenticationToken;
import org.apache.shiro.authc.BearerToken;
import org.apache.shiro.authc.SimpleAuthenticationInfo;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.apache.shiro.authc.credential.PasswordMatcher;
import org.apache.shiro.authz.AuthorizationInfo;
import org.apache.shiro.cache.MemoryConstrainedCacheManager;
import org.apache.shiro.mgt.DefaultSessionStorageEvaluator;
import org.apache.shiro.mgt.DefaultSubjectDAO;
import org.apache.shiro.realm.AuthorizingRealm;
import org.apache.shiro.realm.Realm;
import org.apache.shiro.realm.SimpleAccountRealm;
import org.apache.shiro.subject.PrincipalCollection;
import org.apache.shiro.web.filter.mgt.DefaultFilterChainManager;
import org.apache.shiro.web.filter.mgt.PathMatchingFilterChainResolver;
import org.apache.shiro.web.mgt.DefaultWebSecurityManager;
import org.apache.shiro.web.servlet.AbstractShiroFilter;

/**
 * Apache Shiro 2 (Jakarta classifier) doing the same jobs, configured in code as {@code shiro.ini}
 * would configure it, stateless ({@code noSessionCreation}, session storage off) so that no request
 * creates a session:
 *
 * <ul>
 *   <li>API key: Shiro's own {@code authcBearer} filter and a realm that looks the token up in a
 *       map;
 *   <li>HTTP Basic: {@code authcBasic} on a {@code SimpleAccountRealm} whose password is hashed by
 *       Shiro's default {@code PasswordService} and checked by a {@code PasswordMatcher}; once
 *       without and once with Shiro's authentication cache ({@code MemoryConstrainedCacheManager}).
 *       The cache spares the account lookup only: the password is hashed again on every request.
 * </ul>
 */
final class ShiroTargets {

    static final String STACK = "Shiro 2";
    static final String USER = "alice";
    static final String PASSWORD = "Wonderland1";

    private ShiroTargets() {}

    static List<Target> targets(String apiKey) {
        return List.of(
                Target.of(STACK, HttpBenchmark.API_KEY, filter(new MapTokenRealm(Map.of(apiKey, HttpBenchmark.API_KEY_OWNER)),
                        "authcBearer", false), Map.of("Authorization", "Bearer " + apiKey), HttpBenchmark.API_KEY_OWNER),
                Target.of(STACK, HttpBenchmark.BASIC_DEFAULT, filter(accounts(), "authcBasic", false),
                        Map.of("Authorization", HttpBenchmark.basic(USER, PASSWORD)), USER),
                Target.of(STACK, HttpBenchmark.BASIC_CACHED, filter(accounts(), "authcBasic", true),
                        Map.of("Authorization", HttpBenchmark.basic(USER, PASSWORD)), USER));
    }

    /** Bearer tokens found in a map. */
    private static final class MapTokenRealm extends AuthorizingRealm {
        private final Map<String, String> owners;

        MapTokenRealm(Map<String, String> owners) {
            this.owners = owners;
            setAuthenticationTokenClass(BearerToken.class);
        }

        @Override
        protected AuthenticationInfo doGetAuthenticationInfo(AuthenticationToken token) {
            String key = ((BearerToken) token).getToken();
            String owner = owners.get(key);
            if (owner == null) {
                throw new AuthenticationException("unknown API key");
            }
            return new SimpleAuthenticationInfo(owner, key, getName());
        }

        @Override
        protected AuthorizationInfo doGetAuthorizationInfo(PrincipalCollection principals) {
            return null;
        }
    }

    private static SimpleAccountRealm accounts() {
        DefaultPasswordService passwords = new DefaultPasswordService();
        SimpleAccountRealm realm = new SimpleAccountRealm("accounts");
        realm.addAccount(USER, passwords.encryptPassword(PASSWORD), "user");
        PasswordMatcher matcher = new PasswordMatcher();
        matcher.setPasswordService(passwords);
        realm.setCredentialsMatcher(matcher);
        return realm;
    }

    private static final class ShiroFilter extends AbstractShiroFilter {
        ShiroFilter(DefaultWebSecurityManager securityManager, PathMatchingFilterChainResolver resolver) {
            setSecurityManager(securityManager);
            setFilterChainResolver(resolver);
        }
    }

    private static Filter filter(Realm realm, String authenticationFilter, boolean cacheAuthentication) {
        DefaultWebSecurityManager securityManager = new DefaultWebSecurityManager(realm);
        DefaultSessionStorageEvaluator noSessions = new DefaultSessionStorageEvaluator();
        noSessions.setSessionStorageEnabled(false);
        ((DefaultSubjectDAO) securityManager.getSubjectDAO()).setSessionStorageEvaluator(noSessions);
        if (cacheAuthentication && realm instanceof AuthorizingRealm r) {
            r.setAuthenticationCachingEnabled(true);
            securityManager.setCacheManager(new MemoryConstrainedCacheManager());
        }
        DefaultFilterChainManager chains = new DefaultFilterChainManager();
        chains.createChain("/api/**", "noSessionCreation, " + authenticationFilter);
        PathMatchingFilterChainResolver resolver = new PathMatchingFilterChainResolver();
        resolver.setFilterChainManager(chains);
        return new ShiroFilter(securityManager, resolver);
    }
}
