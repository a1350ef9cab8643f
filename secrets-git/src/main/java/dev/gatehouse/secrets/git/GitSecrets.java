package dev.gatehouse.secrets.git;

import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretValue;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Git credentials from secrets, read through the {@link SecretManager} as the caller: the secret's
 * visibility, grants and project restriction apply (a project-restricted secret is readable only
 * by a {@link Caller#inProcess process} of one of its projects). Thread-safe.
 *
 * <pre>{@code
 * GitSecrets git = GitSecrets.using(secretManager);
 * GitRemote remote = GitRemote.parse("git@git.example.com:acme/flows.git");
 * GitClone clone = GitClone.of(remote).ref("main")
 *         .hostKeys(HostKeyPolicy.strict(KnownHosts.parse(knownHostsText))).build();
 * ClonedRepository repo = git.clone(caller.inProcess(process), "acme", "deploy-key", clone, workDir.resolve("repo"));
 * }</pre>
 */
public final class GitSecrets {

    private final SecretManager secrets;

    private GitSecrets(SecretManager secrets) {
        this.secrets = secrets;
    }

    /** Reads secrets through {@code secrets}. */
    public static GitSecrets using(SecretManager secrets) {
        return new GitSecrets(Objects.requireNonNull(secrets, "secrets"));
    }

    /**
     * Reads secret {@code org/name} (which has no store password) as {@code caller} and makes
     * credentials for {@code remote} from it. Close the result to wipe the secret.
     *
     * @throws GitAccessException.SecretNotReadable if the caller may not read the value (missing,
     *     invisible, outside its projects)
     * @throws GitAccessException.SchemeMismatch if the secret's type does not fit the remote's scheme
     * @throws SecretException for other failures of the secret manager (store outage, corrupted data)
     */
    public GitCredentials credentials(Caller caller, String org, String name, GitRemote remote) {
        return credentials(caller, org, name, null, remote);
    }

    /**
     * As {@link #credentials(Caller, String, String, GitRemote)} for a secret with a store password;
     * the password is wiped after the call. A wrong password is {@link GitAccessException.SecretNotReadable}.
     */
    public GitCredentials credentials(Caller caller, String org, String name, char[] storePassword, GitRemote remote) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(remote, "remote");
        SecretValue value;
        try {
            value = storePassword == null ? secrets.read(caller, org, name) : secrets.read(caller, org, name, storePassword);
        } catch (SecretException e) {
            switch (e.kind()) {
                case NOT_FOUND, ACCESS_DENIED, INVALID_PASSWORD -> throw new GitAccessException.SecretNotReadable(org, name, e);
                default -> throw e;
            }
        } finally {
            if (storePassword != null) {
                Arrays.fill(storePassword, '\0');
            }
        }
        return GitCredentials.of("Secret " + org + "/" + name, value, remote);
    }

    /**
     * Reads the secret, runs {@code clone} into {@code directory} with it and wipes it, whatever happens.
     *
     * @throws GitAccessException as {@link #credentials} and {@link GitClone#into}
     */
    public ClonedRepository clone(Caller caller, String org, String name, GitClone clone, Path directory) {
        try (GitCredentials credentials = credentials(caller, org, name, clone.remote())) {
            return clone.into(directory, credentials);
        }
    }
}
