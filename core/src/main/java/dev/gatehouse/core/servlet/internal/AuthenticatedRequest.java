package dev.gatehouse.core.servlet.internal;

import dev.gatehouse.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/** A request that answers the Servlet security methods for a Gatehouse {@link Identity}. */
public final class AuthenticatedRequest extends HttpServletRequestWrapper {

    private final Identity identity;

    public AuthenticatedRequest(HttpServletRequest request, Identity identity) {
        super(request);
        this.identity = identity;
    }

    @Override
    public Principal getUserPrincipal() {
        return identity;
    }

    @Override
    public String getRemoteUser() {
        return identity.username();
    }

    @Override
    public boolean isUserInRole(String role) {
        return role != null && identity.hasRole(role);
    }

    /** The name of the realm that authenticated the caller, e.g. {@code ldap} or {@code apikey}. */
    @Override
    public String getAuthType() {
        return identity.realm();
    }
}
