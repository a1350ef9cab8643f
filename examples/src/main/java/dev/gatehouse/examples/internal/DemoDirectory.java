package dev.gatehouse.examples.internal;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;

/**
 * An in-process LDAP directory (UnboundID) on a loopback port, loaded from the bundled
 * {@code demo-users.ldif}, so that {@code curl -u myuser:mypwd} works with no set-up. Used only
 * when the configuration names no directory of its own ({@code realm.ldap.url}).
 */
public final class DemoDirectory implements AutoCloseable {

    public static final String BASE_DN = "dc=example,dc=com";
    public static final String SYSTEM_DN = "cn=gatehouse,ou=system," + BASE_DN;

    private final InMemoryDirectoryServer server;
    private final String systemPassword;

    private DemoDirectory(InMemoryDirectoryServer server, String systemPassword) {
        this.server = server;
        this.systemPassword = systemPassword;
    }

    /** Starts the directory; {@code systemPassword} becomes the service account's password. */
    public static DemoDirectory start(String systemPassword) {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE_DN);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("demo",
                    InetAddress.getLoopbackAddress(), 0, null));
            config.setSchema(null); // the demo data uses memberOf, which the default schema lacks
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            try (InputStream in = DemoDirectory.class.getResourceAsStream("/dev/gatehouse/examples/demo-users.ldif")) {
                if (in == null) {
                    throw new IllegalStateException("demo-users.ldif is missing from the class path");
                }
                server.importFromLDIF(true, new LDIFReader(in));
            }
            server.add("dn: " + SYSTEM_DN, "objectClass: top", "objectClass: person", "cn: gatehouse",
                    "sn: Gatehouse", "userPassword: " + systemPassword);
            server.startListening();
            return new DemoDirectory(server, systemPassword);
        } catch (LDAPException | com.unboundid.ldif.LDIFException e) {
            throw new IllegalStateException("cannot start the demo directory: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ldap://127.0.0.1:<port>}. */
    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    public String systemPassword() {
        return systemPassword;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
