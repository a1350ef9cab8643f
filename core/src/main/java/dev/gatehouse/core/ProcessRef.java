package dev.gatehouse.core;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The process on whose behalf a caller acts, as session tokens establish it.
 *
 * @param id the process's instance id
 * @param org the organisation the process runs in
 * @param project the project the process runs in, if any; encrypted strings need one
 */
public record ProcessRef(UUID id, String org, Optional<String> project) {

    public ProcessRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(project, "project");
    }
}
