package dev.gatehouse.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** Runs background work only when a test calls {@link #runAll()}, on the test's thread. */
final class ManualExecutor implements Executor {

    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        pending.add(task);
    }

    /** How many tasks wait. */
    int pending() {
        return pending.size();
    }

    /** Runs every waiting task (and those they queue); returns how many ran. */
    int runAll() {
        int n = 0;
        for (Runnable r; (r = pending.poll()) != null; ) {
            r.run();
            n++;
        }
        return n;
    }

    /** Drops every waiting task without running it: a pool that is stuck or gone. */
    List<Runnable> drop() {
        List<Runnable> dropped = new ArrayList<>();
        for (Runnable r; (r = pending.poll()) != null; ) {
            dropped.add(r);
        }
        return dropped;
    }
}
