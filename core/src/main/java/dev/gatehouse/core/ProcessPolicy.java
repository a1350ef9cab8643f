package dev.gatehouse.core;

import java.util.Objects;
import java.util.Set;

/**
 * What an identity that acts for a process ({@link Identity#process()}, as a session token gives
 * it) may do. The engine narrows every such identity to the permissions this policy grants, at
 * authentication, so a host's {@link Authorization#require} checks see them; a credential that was
 * already limited (a token with its own scopes) keeps only what both allow. Set it with
 * {@link Gatehouse.Builder#processPolicy(ProcessPolicy)} or {@code gatehouse.processPermissions}.
 *
 * <p>The default, {@link #defaults()}, grants what a running process needs:
 * {@link Permission#SECRET_READ}, {@link Permission#SECRET_DECRYPT} and
 * {@link Permission#PROCESS_SELF}. It refuses everything else, and in particular credential
 * management ({@link Permission#APIKEY_MANAGE}, {@link Permission#USER_MANAGE},
 * {@link Permission#ROLE_MANAGE}) and what outlives the process ({@link Permission#SECRET_WRITE},
 * {@link Permission#PROCESS_START}): a leaked process token cannot mint a key or start a process
 * whose token outlives its own. Which secrets and strings (those of the process's project) is the
 * host's check against {@link ProcessRef#org()} and {@link ProcessRef#project()}.
 *
 * <p>Implementations are thread-safe and fast: they run on every authenticated request of a
 * process.
 */
@FunctionalInterface
public interface ProcessPolicy {

    /** What the default policy grants. */
    Set<Permission> DEFAULT_PERMISSIONS = Set.of(Permission.SECRET_READ, Permission.SECRET_DECRYPT,
            Permission.PROCESS_SELF);

    /** The permissions {@code identity}, acting for {@code process}, may use. */
    Set<Permission> permissions(ProcessRef process, Identity identity);

    /** The default policy: {@link #DEFAULT_PERMISSIONS}. */
    static ProcessPolicy defaults() {
        return allowing(DEFAULT_PERMISSIONS);
    }

    /** A policy that grants {@code permissions} to every process; {@link Permission#ALL} restores "as its user". */
    static ProcessPolicy allowing(Set<Permission> permissions) {
        Set<Permission> granted = Set.copyOf(Objects.requireNonNull(permissions, "permissions"));
        return new ProcessPolicy() {
            @Override
            public Set<Permission> permissions(ProcessRef process, Identity identity) {
                return granted;
            }

            @Override
            public String toString() {
                return "ProcessPolicy.allowing(" + granted + ")";
            }
        };
    }
}
