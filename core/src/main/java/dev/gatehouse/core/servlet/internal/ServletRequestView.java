package dev.gatehouse.core.servlet.internal;

import dev.gatehouse.core.AuthorizationHeader;
import dev.gatehouse.core.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/** A {@link RequestView} over a servlet request; lazy, so that unused parts cost nothing. */
public final class ServletRequestView implements RequestView {

    private final HttpServletRequest request;
    private AuthorizationHeader authorization;

    public ServletRequestView(HttpServletRequest request) {
        this.request = request;
    }

    /** The container-normalised path inside the application: servlet path plus path info. */
    public static String normalisedPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        if (pathInfo == null) {
            return servletPath == null || servletPath.isEmpty() ? "/" : servletPath;
        }
        return servletPath == null ? pathInfo : servletPath + pathInfo;
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    @Override
    public List<String> headers(String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return List.of(first);
        }
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(Collections.list(values));
        return all;
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return normalisedPath(request);
    }

    @Override
    public AuthorizationHeader authorization() {
        if (authorization == null) {
            authorization = AuthorizationHeader.parse(headers(AUTHORIZATION));
        }
        return authorization;
    }
}
