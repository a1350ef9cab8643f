package dev.gatehouse.secrets.git.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounds the wait for an SSH server's first answer. JGit applies its timeout to the TCP connect
 * only, and MINA SSHD then waits up to two minutes for a server that accepted the connection but
 * never speaks; this interrupts the cloning thread if the server has not offered its host key by
 * the deadline. It uses the common pool's delayed executor, so it starts no thread of its own, and
 * clears the interrupt it caused when closed. One per clone, closed by the thread that opened it.
 */
final class HandshakeDeadline implements AutoCloseable {

    private final Thread thread = Thread.currentThread();
    private final BooleanSupplier serverAnswered;
    private final CompletableFuture<Void> timer;
    private boolean done;
    private boolean fired;

    HandshakeDeadline(Duration timeout, BooleanSupplier serverAnswered) {
        this.serverAnswered = serverAnswered;
        this.timer = CompletableFuture.runAsync(this::fire,
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private synchronized void fire() {
        if (!done && !serverAnswered.getAsBoolean()) {
            fired = true;
            thread.interrupt();
        }
    }

    /** Whether the deadline passed before the server answered. */
    synchronized boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        boolean clear;
        synchronized (this) {
            done = true;
            clear = fired;
        }
        timer.cancel(false);
        if (clear) {
            Thread.interrupted(); // ours, not the caller's
        }
    }
}
