package dev.gatehouse.core;

import java.text.Normalizer;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A login as the throttle and the user directory compare it: the one normalisation of what a
 * caller typed as a username. Two spellings of one login ({@code " Alice"}, {@code "ALICE"},
 * full-width {@code "ａｌｉｃｅ"}, {@code "CORP\alice"}, {@code "alice@corp"}) reduce to one
 * {@link #user()}, so that no spelling starts a fresh failure count.
 *
 * <p>{@link #normalise(String)} strips surrounding white space, applies Unicode NFKC
 * (compatibility forms such as full-width letters become their plain letters) and lower-cases
 * with {@link Locale#ROOT}. {@link #parse(String, Set)} then splits off a domain in the forms the
 * host recognises: <code>DOMAIN&#92;user</code> (Active Directory's down-level logon name) and
 * {@code user@domain} (a user principal name). Immutable and thread-safe.
 *
 * @param user the account part of the login, normalised; never blank
 * @param domain the domain part, normalised, if the login named one in a recognised form
 */
public record Login(String user, Optional<String> domain) {

    /**
     * The longest login accepted, in characters, as typed and after normalisation. Longer ones are
     * refused before they reach any throttle table or directory: no directory Gatehouse knows has
     * longer names, and a bound keeps an attacker from filling memory with long keys.
     */
    public static final int MAX_LENGTH = 256;

    /** The ways a login may name its domain. */
    public enum Form {
        /** <code>DOMAIN&#92;user</code>: the user is what follows the last backslash. */
        DOMAIN_BACKSLASH_USER,
        /** {@code user@domain}: the user is what precedes the first {@code @}. */
        USER_AT_DOMAIN
    }

    /** Both forms: the default, so that an Active Directory login has one key however it is typed. */
    public static final Set<Form> ALL_FORMS = Set.copyOf(EnumSet.allOf(Form.class));

    public Login {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(domain, "domain");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
    }

    /**
     * {@code typed} stripped of surrounding white space, in Unicode NFKC, lower-cased with
     * {@link Locale#ROOT}. Does not check length or characters; see {@link #parse}.
     */
    public static String normalise(String typed) {
        Objects.requireNonNull(typed, "typed");
        String s = typed.strip();
        if (!isPlainAscii(s)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFKC).strip();
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * The login {@code typed} stands for, or empty if it is unusable: longer than
     * {@link #MAX_LENGTH} (as typed or once normalised), blank, or holding a control character.
     *
     * @param forms the domain forms to recognise; a form not listed is part of the user
     */
    public static Optional<Login> parse(String typed, Set<Form> forms) {
        Objects.requireNonNull(typed, "typed");
        Objects.requireNonNull(forms, "forms");
        if (typed.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String s = normalise(typed);
        if (s.isEmpty() || s.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return Optional.empty();
            }
        }
        String user = s;
        String domain = null;
        if (forms.contains(Form.DOMAIN_BACKSLASH_USER)) {
            int slash = user.lastIndexOf('\\');
            if (slash >= 0) {
                domain = user.substring(0, slash).strip();
                user = user.substring(slash + 1).strip();
            }
        }
        if (forms.contains(Form.USER_AT_DOMAIN)) {
            int at = user.indexOf('@');
            if (at >= 0) {
                if (domain == null) {
                    domain = user.substring(at + 1).strip();
                }
                user = user.substring(0, at).strip();
            }
        }
        if (user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Login(user, domain == null || domain.isEmpty() ? Optional.empty() : Optional.of(domain)));
    }

    /** {@link #parse(String, Set)} with {@link #ALL_FORMS}. */
    public static Optional<Login> parse(String typed) {
        return parse(typed, ALL_FORMS);
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
