package dev.gatehouse.secrets;

import dev.gatehouse.secrets.internal.StandardAccessPolicy;

/**
 * Decides who may do what with a secret. Every decision of {@link SecretManager} goes through the
 * one policy it was built with; a host replaces it to add its own rules. Implementations must be
 * thread-safe.
 */
public interface AccessPolicy {

    /** Whether {@code caller} may do {@code operation} with {@code secret}. */
    boolean permits(Caller caller, SecretMetadata secret, Operation operation);

    /** Whether {@code caller} may create a secret in {@code org}. */
    boolean permitsCreate(Caller caller, String org);

    /**
     * The standard rules:
     *
     * <ul>
     *   <li>A project-restricted secret's value is readable only by a process of one of its
     *       projects (in the secret's org), whoever the caller is, admins included.
     *   <li>Admins may do anything else.
     *   <li>The owner has {@link AccessLevel#OWNER}; otherwise the highest grant to the user or one of
     *       their teams applies. PUBLIC secrets give org members {@link AccessLevel#READER}.
     *   <li>READ_METADATA and READ_VALUE need READER, UPDATE needs WRITER, MANAGE and DELETE need OWNER.
     *   <li>Members of an org (and admins) may create secrets in it.
     * </ul>
     */
    static AccessPolicy standard() {
        return StandardAccessPolicy.INSTANCE;
    }
}
