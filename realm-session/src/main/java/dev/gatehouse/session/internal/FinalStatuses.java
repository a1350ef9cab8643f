package dev.gatehouse.session.internal;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** The set of final statuses of a shipped store, and the rule that a final status is final. */
final class FinalStatuses {

    private final Set<String> upperCase;

    FinalStatuses(Set<String> statuses) {
        this.upperCase = statuses.stream().map(s -> s.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    boolean isFinal(String status) {
        return upperCase.contains(status.toUpperCase(Locale.ROOT));
    }

    Set<String> all() {
        return upperCase;
    }

    /**
     * Refuses to move a process out of a final status.
     *
     * @throws IllegalStateException if {@code current} is final and {@code next} is another status
     */
    void checkTransition(UUID processId, String current, String next) {
        if (isFinal(current) && !current.equalsIgnoreCase(next)) {
            throw new IllegalStateException("process " + processId + " is " + current
                    + ", a final status; it cannot become " + next);
        }
    }

    static String requireStatus(String status) {
        if (status == null || status.isBlank() || status.length() > 64) {
            throw new IllegalArgumentException("status must be 1 to 64 characters, was "
                    + (status == null ? "null" : "'" + status + "'"));
        }
        return status.strip();
    }
}
