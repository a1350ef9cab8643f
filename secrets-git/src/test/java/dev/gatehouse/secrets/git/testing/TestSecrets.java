package dev.gatehouse.secrets.git.testing;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.store.SecretStore;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.Visibility;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A secret manager over an in-memory store for the Git tests, with one org and two projects, and
 * the one place that names how a manager is built (the secrets module's packages may move).
 */
public final class TestSecrets {

    public static final String ORG = "acme";
    public static final String PROJECT = "flows";
    public static final String OTHER_PROJECT = "billing";

    private final SecretManager manager = SecretManager.builder().store(SecretStore.inMemory())
            .keyRing(ServerKeyRing.generate("test")).build();
    private final Caller owner = new Caller(UUID.randomUUID(), Set.of(ORG), Set.of(), false, Optional.empty());

    public SecretManager manager() {
        return manager;
    }

    /** The user who owns every secret created here, outside any process. */
    public Caller owner() {
        return owner;
    }

    /** The owner acting for a process of {@code project}. */
    public Caller inProcessOf(String project) {
        return owner.inProcess(new ProcessRef(UUID.randomUUID(), ORG, Optional.of(project)));
    }

    /** Another member of the org, who was granted nothing. */
    public Caller anotherMember() {
        return new Caller(UUID.randomUUID(), Set.of(ORG), Set.of(), false, Optional.empty());
    }

    /** Stores {@code value} as a PRIVATE secret of the owner, readable only by processes of {@code projects} if any. */
    public void store(String name, SecretValue value, String... projects) {
        manager.create(owner, NewSecret.builder(ORG, name, value).visibility(Visibility.PRIVATE)
                .projects(Set.of(projects)).build());
    }
}
