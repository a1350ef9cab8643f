package dev.gatehouse.secrets.process;

/**
 * Which projects exist, as the host knows them: {@link CryptoTask#encryptString(String, String,
 * String)} encrypts only for a project that exists, as a host's {@code /encrypt} endpoint does, so
 * that a process cannot create a key for a project nobody made. The process's own project always
 * counts as existing. Implementations must be thread-safe and fast (one lookup per call).
 */
@FunctionalInterface
public interface KnownProjects {

    /** Whether project {@code project} of organisation {@code org} exists. */
    boolean exists(String org, String project);

    /** No project but the process's own: the default of a {@link ProcessContext} given none. */
    static KnownProjects none() {
        return (org, project) -> false;
    }
}
