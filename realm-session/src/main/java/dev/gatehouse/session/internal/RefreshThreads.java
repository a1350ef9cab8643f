package dev.gatehouse.session.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads background re-reads run on unless the host gives an executor: they block on JDBC,
 * so they stay off the common fork-join pool. Two daemon threads that end after 30 s idle; a task
 * offered after {@code shutdown()} is refused ({@link java.util.concurrent.RejectedExecutionException}),
 * which the caches answer by keeping the entry until it expires.
 */
final class RefreshThreads {

    static final int THREADS = 2;

    private RefreshThreads() {}

    static ThreadPoolExecutor start(String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
