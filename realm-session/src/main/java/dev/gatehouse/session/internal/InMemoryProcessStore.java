package dev.gatehouse.session.internal;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.ProcessStore;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ProcessStore} in a concurrent map: one node, or tests. Thread-safe. */
public final class InMemoryProcessStore implements ProcessStore {

    private final ConcurrentHashMap<UUID, ProcessState> processes = new ConcurrentHashMap<>();
    private final FinalStatuses finalStatuses;

    /** An empty store; {@code finalStatuses} are compared case-insensitively. */
    public InMemoryProcessStore(Set<String> finalStatuses) {
        this.finalStatuses = new FinalStatuses(finalStatuses);
    }

    @Override
    public Optional<ProcessState> find(UUID processId) {
        return Optional.ofNullable(processes.get(processId));
    }

    @Override
    public boolean isFinal(String status) {
        return finalStatuses.isFinal(status);
    }

    @Override
    public void register(ProcessRef process, UUID currentUserId, String status) {
        ProcessState state = new ProcessState(process, FinalStatuses.requireStatus(status), currentUserId);
        if (processes.putIfAbsent(process.id(), state) != null) {
            throw new IllegalStateException("process " + process.id() + " is already registered");
        }
    }

    @Override
    public boolean updateStatus(UUID processId, String status) {
        String next = FinalStatuses.requireStatus(status);
        return processes.computeIfPresent(processId, (id, current) -> {
            finalStatuses.checkTransition(id, current.status(), next);
            return new ProcessState(current.process(), next, current.currentUserId());
        }) != null;
    }

    @Override
    public boolean updateCurrentUser(UUID processId, UUID userId) {
        Objects.requireNonNull(userId, "userId");
        return processes.computeIfPresent(processId,
                (id, current) -> new ProcessState(current.process(), current.status(), userId)) != null;
    }

    @Override
    public boolean remove(UUID processId) {
        return processes.remove(processId) != null;
    }

    @Override
    public String toString() {
        return "InMemoryProcessStore[" + processes.size() + " processes]";
    }
}
