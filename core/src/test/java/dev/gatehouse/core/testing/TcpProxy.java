package dev.gatehouse.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP forwarder on a loopback port in front of a real backend (the shared PostgreSQL, a slapd),
 * that a test can cut, freeze and restore: an outage of one test's backend without disturbing
 * anyone else's. Thread-safe.
 *
 * <ul>
 *   <li>{@link #cut()}: every open connection is reset and new ones are closed at once, as when
 *       the database is down;
 *   <li>{@link #freeze()}: open and new connections stay open but no byte moves, as when the
 *       backend hangs (SIGSTOP);
 *   <li>{@link #restore()}: forwarding resumes for new connections (frozen ones resume too).
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {

    /** What the proxy does with traffic. */
    public enum Mode { FORWARD, CUT, FREEZE }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.FORWARD);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object resumed = new Object();
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** The backend is down: connections are reset, new ones closed at once. */
    public void cut() {
        mode.set(Mode.CUT);
        for (Socket s : open) {
            resetQuietly(s);
        }
        open.clear();
        wake();
    }

    /** The backend hangs: nothing moves until {@link #restore()}. */
    public void freeze() {
        mode.set(Mode.FREEZE);
    }

    /** The backend is back. */
    public void restore() {
        mode.set(Mode.FORWARD);
        wake();
    }

    /** The current mode. */
    public Mode mode() {
        return mode.get();
    }

    private void wake() {
        synchronized (resumed) {
            resumed.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode.get() == Mode.CUT) {
                resetQuietly(client);
                continue;
            }
            Thread t = new Thread(() -> connect(client), "tcp-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        open.add(client);
        try {
            awaitNotFrozen();
            if (mode.get() == Mode.CUT) {
                resetQuietly(client);
                return;
            }
            Socket backend = new Socket();
            backend.connect(target, 3_000);
            open.add(backend);
            pipe(client, backend);
            pipe(backend, client);
        } catch (IOException | InterruptedException e) {
            resetQuietly(client);
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitNotFrozen();
                    if (mode.get() == Mode.CUT) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side went away
            } finally {
                resetQuietly(from);
                resetQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private void awaitNotFrozen() throws InterruptedException {
        synchronized (resumed) {
            while (mode.get() == Mode.FREEZE && !closed) {
                resumed.wait(100);
            }
        }
    }

    private static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST, not FIN: the peer sees a dead connection at once
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            resetQuietly(s);
        }
        wake();
    }
}
