package dev.gatehouse.core;

import java.util.Arrays;

/**
 * A password as characters that can be wiped. Not thread-safe: it belongs to the request that
 * carried it.
 *
 * <p>The characters are reachable only through {@link #revealChars()}, a name meant to stand out
 * in review; {@code toString()} never shows them and {@code equals} is identity.
 */
public final class Password {

    private final char[] chars;
    private boolean wiped;

    private Password(char[] chars) {
        this.chars = chars;
    }

    /** Takes ownership of {@code chars}: the caller must not reuse the array. */
    public static Password takeOwnership(char[] chars) {
        return new Password(java.util.Objects.requireNonNull(chars, "chars"));
    }

    /** A copy of {@code value}; prefer {@link #takeOwnership(char[])} where a char array exists. */
    public static Password of(String value) {
        return new Password(value.toCharArray());
    }

    /**
     * The password itself, not a copy, so that {@link #wipe()} clears it.
     *
     * @throws IllegalStateException if the password was wiped
     */
    public char[] revealChars() {
        if (wiped) {
            throw new IllegalStateException("the password was already wiped");
        }
        return chars;
    }

    /** Whether the password has no characters. */
    public boolean isEmpty() {
        return chars.length == 0;
    }

    /**
     * Whether the password is empty or only whitespace. Such a password is refused before any
     * backend is asked: an LDAP simple bind with an empty password is an unauthenticated bind that
     * servers report as a success (RFC 4513 section 5.1.2).
     */
    public boolean isBlank() {
        for (char c : chars) {
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** Overwrites the characters with zeros; the password is unusable afterwards. */
    public void wipe() {
        Arrays.fill(chars, '\0');
        wiped = true;
    }

    @Override
    public String toString() {
        return "Password[<redacted>]";
    }
}
