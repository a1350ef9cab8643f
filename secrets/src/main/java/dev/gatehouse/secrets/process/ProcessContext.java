package dev.gatehouse.secrets.process;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.Caller;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The process a {@link CryptoTask} works for: which process (org, optional project), its work
 * directory (where exported files go), the caller it runs as, and the projects the host says exist.
 * Immutable.
 *
 * @param process the running process
 * @param workDir the process's work directory; must exist
 * @param caller the process's user; {@link CryptoTask} makes it act for {@code process}
 * @param knownProjects the projects {@link CryptoTask#encryptString(String, String, String)} may
 *     encrypt for, besides the process's own
 */
public record ProcessContext(ProcessRef process, Path workDir, Caller caller, KnownProjects knownProjects) {

    /** @throws NullPointerException if an argument is null */
    public ProcessContext {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(knownProjects, "knownProjects");
    }

    /**
     * A context whose host names no projects ({@link KnownProjects#none()}): strings can be encrypted
     * for the process's own project only. A host with a project catalogue passes it instead.
     */
    public ProcessContext(ProcessRef process, Path workDir, Caller caller) {
        this(process, workDir, caller, KnownProjects.none());
    }
}
