package dev.gatehouse.bench.http;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.cache.SpringCacheBasedUserCache;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * Spring Security 7 doing the same jobs, assembled by hand as the smallest stateless chain that
 * does them (fewer filters than {@code HttpSecurity} would add, which favours Spring): the
 * security context in a request attribute, the authentication filter, the servlet-API request
 * wrapper ({@code getRemoteUser}), exception translation to 401 and "authenticated" authorization.
 *
 * <ul>
 *   <li>API key: an {@code AuthenticationFilter} with a converter that reads
 *       {@code Authorization: Bearer <key>} and a provider that looks the key up in a map;
 *   <li>HTTP Basic: {@code BasicAuthenticationFilter} over a {@code DaoAuthenticationProvider} on an
 *       {@code InMemoryUserDetailsManager} with Spring's default encoder
 *       ({@code PasswordEncoderFactories.createDelegatingPasswordEncoder()}: bcrypt, strength 10);
 *       once without and once with Spring's user cache ({@code SpringCacheBasedUserCache} on a
 *       {@code ConcurrentMapCache}, credentials kept after authentication as the cache needs).
 *       The cache spares the user lookup only: Spring checks the password with bcrypt on every
 *       request either way.
 * </ul>
 */
final class SpringTargets {

    static final String STACK = "Spring Security 7";
    static final String USER = "alice";
    static final String PASSWORD = "Wonderland1";

    private SpringTargets() {}

    static List<Target> targets(String apiKey) {
        return List.of(
                Target.of(STACK, HttpBenchmark.API_KEY, apiKeyChain(apiKey), Map.of("Authorization", "Bearer " + apiKey),
                        HttpBenchmark.API_KEY_OWNER),
                Target.of(STACK, HttpBenchmark.BASIC_DEFAULT, basicChain(false),
                        Map.of("Authorization", HttpBenchmark.basic(USER, PASSWORD)), USER),
                Target.of(STACK, HttpBenchmark.BASIC_CACHED, basicChain(true),
                        Map.of("Authorization", HttpBenchmark.basic(USER, PASSWORD)), USER));
    }

    /** An API key as Spring sees it before and after the lookup. */
    private static final class ApiKeyToken extends AbstractAuthenticationToken {
        private static final long serialVersionUID = 1L;
        private final String key;

        ApiKeyToken(String key) {
            super(AuthorityUtils.NO_AUTHORITIES);
            this.key = key;
        }

        @Override
        public Object getCredentials() {
            return key;
        }

        @Override
        public Object getPrincipal() {
            return null;
        }
    }

    private static Filter apiKeyChain(String apiKey) {
        Map<String, String> owners = Map.of(apiKey, HttpBenchmark.API_KEY_OWNER);
        AuthenticationProvider lookup = new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                String owner = owners.get((String) authentication.getCredentials());
                if (owner == null) {
                    throw new BadCredentialsException("unknown API key");
                }
                return UsernamePasswordAuthenticationToken.authenticated(owner, null, AuthorityUtils.NO_AUTHORITIES);
            }

            @Override
            public boolean supports(Class<?> type) {
                return ApiKeyToken.class.isAssignableFrom(type);
            }
        };
        AuthenticationFilter authentication = new AuthenticationFilter(new ProviderManager(lookup),
                (HttpServletRequest request) -> {
                    String h = request.getHeader("Authorization");
                    return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? new ApiKeyToken(h.substring(7)) : null;
                });
        authentication.setSuccessHandler((request, response, auth) -> { });
        return chain(authentication);
    }

    private static Filter basicChain(boolean cached) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
                User.withUsername(USER).password(encoder.encode(PASSWORD)).roles("USER").build());
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        ProviderManager manager = new ProviderManager(provider);
        if (cached) {
            provider.setUserCache(new SpringCacheBasedUserCache(new ConcurrentMapCache("users")));
            manager.setEraseCredentialsAfterAuthentication(false);
        }
        return chain(new BasicAuthenticationFilter(manager));
    }

    private static Filter chain(Filter authentication) {
        SecurityContextHolderAwareRequestFilter servletApi = new SecurityContextHolderAwareRequestFilter();
        try {
            servletApi.afterPropertiesSet();
        } catch (ServletException e) {
            throw new IllegalStateException(e);
        }
        FilterChainProxy proxy = new FilterChainProxy(new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE,
                new SecurityContextHolderFilter(new RequestAttributeSecurityContextRepository()),
                authentication,
                servletApi,
                new ExceptionTranslationFilter(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)),
                new AuthorizationFilter(AuthenticatedAuthorizationManager.authenticated())));
        proxy.afterPropertiesSet();
        return proxy;
    }
}
