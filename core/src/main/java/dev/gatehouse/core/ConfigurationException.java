package dev.gatehouse.core;

/**
 * A setting is missing or wrong. Thrown at start-up, never per request; the message names the
 * setting (e.g. {@code realm.ldap.url}) and never contains a secret value.
 */
public class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
