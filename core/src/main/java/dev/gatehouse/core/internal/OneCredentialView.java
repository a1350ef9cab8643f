package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.RequestView;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A request as the realms see it once the host's credential precedence has picked one of the
 * credentials it carries: every other credential header reads as absent, so no realm verifies,
 * counts or is rescued by a credential that does not decide the request.
 */
final class OneCredentialView implements RequestView {

    private final RequestView request;
    private final String chosen;
    private final Set<String> credentialHeaders;

    /** @param credentialHeaders every credential header, in a case-insensitive set */
    OneCredentialView(RequestView request, String chosen, Set<String> credentialHeaders) {
        this.request = request;
        this.chosen = chosen;
        this.credentialHeaders = credentialHeaders;
    }

    private boolean hidden(String name) {
        return !name.equalsIgnoreCase(chosen) && credentialHeaders.contains(name);
    }

    @Override
    public Optional<String> header(String name) {
        return hidden(name) ? Optional.empty() : request.header(name);
    }

    @Override
    public List<String> headers(String name) {
        return hidden(name) ? List.of() : request.headers(name);
    }

    @Override
    public String remoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public String path() {
        return request.path();
    }

    @Override
    public AuthorizationHeader authorization() {
        return hidden(AUTHORIZATION) ? AuthorizationHeader.ABSENT : request.authorization();
    }
}
