package dev.gatehouse.secrets;

import java.util.Objects;

/**
 * This node cannot use a server key it needs: an envelope names key {@link #keyId()} and this
 * node's key ring lacks it, or the cluster's primary key is one this node was not given. The
 * request is fine and another node (or this one, once configured) can serve it, so a host answers
 * 503 with {@code Retry-After}, never 500. The message names the key id, never key material.
 * Immutable.
 */
public final class KeyUnavailableException extends SecretException {

    private static final long serialVersionUID = 1L;

    private final String keyId;

    /**
     * @param keyId the server key that is missing
     * @param message what could not be done, naming the key
     */
    public KeyUnavailableException(String keyId, String message) {
        super(Kind.KEY_UNAVAILABLE, message);
        this.keyId = Objects.requireNonNull(keyId, "keyId");
    }

    /** The id of the server key that this node lacks. */
    public String keyId() {
        return keyId;
    }
}
