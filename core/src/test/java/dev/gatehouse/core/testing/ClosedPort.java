package dev.gatehouse.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback TCP port that nothing listens on: a database or directory that is down, for outage
 * tests that must not disturb the shared services. Connections to it are refused at once.
 */
public final class ClosedPort {

    private ClosedPort() {}

    /** A port that was free a moment ago; nothing in this JVM listens on it. */
    public static int find() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
