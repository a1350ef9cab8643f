package dev.gatehouse.core.internal;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one user directory's changes. A listener that throws is logged (by exception
 * type) and does not keep the others from hearing of the change. Thread-safe.
 */
final class UserChangeListeners {

    private static final Logger LOG = LoggerFactory.getLogger(UserChangeListeners.class);

    private final CopyOnWriteArrayList<Consumer<UUID>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<UUID> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void changed(UUID id) {
        for (Consumer<UUID> l : listeners) {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                LOG.error("a user-change listener failed ({}); the others were told", e.getClass().getName());
            }
        }
    }
}
