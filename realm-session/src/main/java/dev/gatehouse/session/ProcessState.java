package dev.gatehouse.session;

import dev.gatehouse.core.ProcessRef;
import java.util.Objects;
import java.util.UUID;

/**
 * What a {@link ProcessRegistry} knows about one process at the moment it is asked.
 *
 * @param process the process: id, org and optional project; attached to the identity of every
 *     request made with the process's session token
 * @param status the process's status as the host names it, e.g. {@code RUNNING} or
 *     {@code FINISHED}; whether it is final is for {@link ProcessRegistry#isFinal(String)} to say
 * @param currentUserId the user the process currently runs on behalf of; it may change while the
 *     process runs, and session-token requests always act for the current one
 */
public record ProcessState(ProcessRef process, String status, UUID currentUserId) {

    public ProcessState {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(currentUserId, "currentUserId");
        if (status.isBlank()) {
            throw new IllegalArgumentException("status must not be blank");
        }
    }

    /** The process id; short for {@code process().id()}. */
    public UUID processId() {
        return process.id();
    }
}
