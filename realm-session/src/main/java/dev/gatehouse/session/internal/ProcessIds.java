package dev.gatehouse.session.internal;

import java.util.Optional;
import java.util.UUID;

/** Strict reading of process ids as the canonical 36-character UUID text. */
final class ProcessIds {

    private ProcessIds() {}

    /** The UUID {@code s} spells in canonical form (any case), or empty. */
    static Optional<UUID> parse(String s) {
        if (s.length() != 36) {
            return Optional.empty();
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHex(c)) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
