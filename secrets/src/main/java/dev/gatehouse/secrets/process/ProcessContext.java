package dev.gatehouse.secrets.process;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.Caller;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The process a {@link CryptoTask} works for: which process (org, optional project), its work
 * directory (where exported files go) and the caller it runs as. Immutable.
 *
 * @param process the running process
 * @param workDir the process's work directory; must exist
 * @param caller the process's user; {@link CryptoTask} makes it act for {@code process}
 */
public record ProcessContext(ProcessRef process, Path workDir, Caller caller) {

    /** @throws NullPointerException if an argument is null */
    public ProcessContext {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(caller, "caller");
    }
}
