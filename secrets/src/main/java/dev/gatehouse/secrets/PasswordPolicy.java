package dev.gatehouse.secrets;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rules a new store password must meet. Default: at least 7 characters with an upper-case
 * letter, a lower-case letter and a digit. Immutable, thread-safe.
 *
 * @param minLength the minimum number of characters, at least 1
 * @param requireUpper whether an upper-case letter is needed
 * @param requireLower whether a lower-case letter is needed
 * @param requireDigit whether a digit is needed
 */
public record PasswordPolicy(int minLength, boolean requireUpper, boolean requireLower, boolean requireDigit) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
    private static final String DIGITS = "23456789";
    private static final String ALL = UPPER + LOWER + DIGITS;

    /** The length of {@link #generatePassword()}'s passwords: 24 characters of 57, about 140 bits. */
    public static final int GENERATED_LENGTH = 24;

    /** @throws IllegalArgumentException if {@code minLength} is below 1 */
    public PasswordPolicy {
        if (minLength < 1) {
            throw new IllegalArgumentException("minimum password length must be at least 1, was " + minLength);
        }
    }

    /** At least 7 characters with upper, lower case and a digit. */
    public static PasswordPolicy standard() {
        return new PasswordPolicy(7, true, true, true);
    }

    /**
     * What is wrong with {@code password}, or empty if it meets the policy. The message names the
     * rules, never the password.
     */
    public Optional<String> problem(char[] password) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (char c : password) {
            upper |= Character.isUpperCase(c);
            lower |= Character.isLowerCase(c);
            digit |= Character.isDigit(c);
        }
        List<String> missing = new ArrayList<>();
        if (password.length < minLength) {
            missing.add("at least " + minLength + " characters");
        }
        if (requireUpper && !upper) {
            missing.add("an upper-case letter");
        }
        if (requireLower && !lower) {
            missing.add("a lower-case letter");
        }
        if (requireDigit && !digit) {
            missing.add("a digit");
        }
        return missing.isEmpty() ? Optional.empty()
                : Optional.of("The store password must have " + String.join(", ", missing));
    }

    /**
     * A strong random password that meets this policy (and the standard one): {@value #GENERATED_LENGTH}
     * characters or {@code minLength}, whichever is longer, without look-alike characters. Gatehouse keeps
     * no copy: the caller shows it once and wipes it.
     */
    public char[] generatePassword() {
        int length = Math.max(GENERATED_LENGTH, minLength);
        while (true) {
            char[] out = new char[length];
            for (int i = 0; i < length; i++) {
                out[i] = ALL.charAt(RANDOM.nextInt(ALL.length()));
            }
            if (problem(out).isEmpty() && standard().problem(out).isEmpty()) {
                return out;
            }
            Arrays.fill(out, '\0');
        }
    }
}
