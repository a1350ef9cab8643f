/**
 * Gatehouse secrets for Git: turns a key-pair or username/password secret that the caller may
 * read into Git credentials, and clones with them over SSH (Apache MINA SSHD through Eclipse
 * JGit) or smart HTTP, with strict host-key checking. Only {@code dev.gatehouse.secrets.git} is
 * exported; no JGit or MINA type appears in its API.
 *
 * <p>JGit and MINA SSHD ship no module descriptors: they are required here by their automatic
 * module names ({@code Automatic-Module-Name} in their manifests).
 */
module dev.gatehouse.secrets.git {
    requires transitive dev.gatehouse.secrets;
    requires org.eclipse.jgit;
    requires org.eclipse.jgit.ssh.apache;
    requires org.apache.sshd.osgi;
    requires org.slf4j;

    exports dev.gatehouse.secrets.git;
}
