package dev.gatehouse.core;

/** What to do with a request that carries no credentials at all. */
public enum AuthenticationMode {
    /** No credentials: 401. */
    REQUIRED,
    /**
     * No credentials: the request goes on anonymously. Credentials that are presented and wrong
     * are still a 401: a bad key never degrades to anonymous access.
     */
    OPTIONAL
}
