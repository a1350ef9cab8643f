package dev.gatehouse.ldap.testing;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import dev.gatehouse.core.testing.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private OpenLDAP {@code slapd} (Debian's package) for integration tests: its configuration and
 * database in a temporary folder, listening on a free loopback port, run in the foreground so the
 * test owns the process. The {@code memberof} overlay fills {@code memberOf} for groups added
 * while it runs, so data is loaded after start. Can be stopped and started again on the same
 * port, keeping its data.
 */
public final class Slapd implements AutoCloseable {

    public static final String BASE = "dc=example,dc=org";
    public static final String ROOT_DN = "cn=admin," + BASE;
    public static final String ROOT_PASSWORD = "root-secret";
    public static final String SERVICE_DN = "cn=gatehouse,ou=services," + BASE;
    public static final String SERVICE_PASSWORD = "service-secret";

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/slapd"), Path.of("/usr/local/sbin/slapd"),
            Path.of("/usr/libexec/slapd"));

    public final Path dir;
    public final int port;
    /** The ldaps:// port when started with TLS files, else -1. */
    public final int ldapsPort;
    private final Path binary;
    private Process process;
    private volatile boolean frozen;

    private Slapd(Path binary, Path dir, int port, int ldapsPort) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.ldapsPort = ldapsPort;
    }

    /**
     * Configures and starts a slapd, or skips the test (fails it in CI) if slapd is not installed.
     *
     * @param tls PEM files (CA, certificate, key) to offer StartTLS with, and require TLS for
     *     password binds; {@code null} for plain LDAP
     */
    public static Slapd start(TestCa.ServerFiles tls) throws Exception {
        Path binary = CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null || !Files.isDirectory(Path.of("/etc/ldap/schema"))) {
            Services.unavailable("OpenLDAP slapd (/usr/sbin/slapd, /etc/ldap/schema)",
                    "not installed; apt-get install slapd ldap-utils");
        }
        Path dir = tls != null ? tls.dir() : Files.createTempDirectory("gatehouse-slapd-");
        Files.createDirectories(dir.resolve("db"));
        Slapd slapd = new Slapd(binary, dir, freePort(), tls != null ? freePort() : -1);
        slapd.writeConfig(tls);
        slapd.start();
        slapd.load();
        return slapd;
    }

    /** A free loopback port. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public String ldapsUrl() {
        return "ldaps://127.0.0.1:" + ldapsPort;
    }

    private void writeConfig(TestCa.ServerFiles tls) throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("include /etc/ldap/schema/core.schema\n")
                .append("include /etc/ldap/schema/cosine.schema\n")
                .append("include /etc/ldap/schema/inetorgperson.schema\n")
                .append("include /etc/ldap/schema/nis.schema\n")
                .append("modulepath /usr/lib/ldap\n")
                .append("moduleload back_mdb\n")
                .append("moduleload memberof\n")
                .append("pidfile ").append(dir.resolve("slapd.pid")).append('\n')
                .append("argsfile ").append(dir.resolve("slapd.args")).append('\n');
        if (tls != null) {
            c.append("TLSCACertificateFile ").append(tls.caPem()).append('\n')
                    .append("TLSCertificateFile ").append(tls.certificatePem()).append('\n')
                    .append("TLSCertificateKeyFile ").append(tls.keyPem()).append('\n')
                    // a password bind over plain LDAP is refused: proves the realm's binds are encrypted
                    .append("security simple_bind=128\n");
        }
        c.append("database mdb\n")
                .append("maxsize 104857600\n")
                .append("suffix \"").append(BASE).append("\"\n")
                .append("rootdn \"").append(ROOT_DN).append("\"\n")
                .append("rootpw ").append(ROOT_PASSWORD).append('\n')
                .append("directory ").append(dir.resolve("db")).append('\n')
                .append("index objectClass eq\n")
                .append("index uid eq\n")
                .append("access to attrs=userPassword by anonymous auth by self read by * none\n")
                .append("access to * by dn.exact=\"").append(SERVICE_DN).append("\" read by self read by * none\n")
                .append("overlay memberof\n");
        Files.writeString(dir.resolve("slapd.conf"), c.toString(), StandardCharsets.UTF_8);
    }

    /** Starts the server (again) and waits until it answers. */
    public void start() throws Exception {
        String listen = ldapsPort > 0 ? url() + "/ " + ldapsUrl() + "/" : url() + "/";
        process = new ProcessBuilder(binary.toString(), "-f", dir.resolve("slapd.conf").toString(), "-h", listen,
                "-d", "0")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("slapd.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("slapd.log")));
            }
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", port)) {
                c.getRootDSE();
                return;
            } catch (LDAPException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("slapd did not answer on port " + port + " within 20 s", e);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Freezes the server with SIGSTOP: it keeps its sockets, and the kernel still accepts new TCP
     * connections, but nothing answers any more (a hung directory).
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
        frozen = true;
    }

    /** Resumes a frozen server with SIGCONT. */
    public void thaw() throws IOException, InterruptedException {
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    /** Sends {@code kill -<name>} to this test's own slapd process, by its process id. */
    private void signal(String name) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("slapd is not running");
        }
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
        }
    }

    /** Stops the server (SIGTERM) and waits for it to exit; its data stays. */
    public void stop() throws InterruptedException, IOException {
        thaw(); // a stopped process would not act on SIGTERM
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A connection as the root DN, for loading data. */
    public LDAPConnection admin() throws LDAPException {
        LDAPConnection c = new LDAPConnection("127.0.0.1", port);
        if (Files.exists(dir.resolve("trust.p12"))) {
            // the TLS server refuses password binds in clear text
            try {
                c.processExtendedOperation(new StartTLSExtendedRequest(
                        new SSLUtil(new TrustStoreTrustManager(
                                dir.resolve("trust.p12").toFile(), TestCa.STORE_PASSWORD.toCharArray(), "PKCS12", true))
                                .createSSLSocketFactory()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        c.bind(ROOT_DN, ROOT_PASSWORD);
        return c;
    }

    /** Adds a person under {@code ou=people} while the server runs. */
    public void addPerson(String uid, String password) throws Exception {
        try (LDAPConnection c = admin()) {
            person(c, uid, "people", password);
        }
    }

    private void load() throws Exception {
        try (LDAPConnection c = admin()) {
            c.add("dn: " + BASE, "objectClass: top", "objectClass: dcObject", "objectClass: organization", "dc: example",
                    "o: Example");
            for (String ou : List.of("services", "people", "admins", "groups")) {
                c.add("dn: ou=" + ou + "," + BASE, "objectClass: organizationalUnit", "ou: " + ou);
            }
            c.add("dn: " + SERVICE_DN, "objectClass: person", "cn: gatehouse", "sn: service",
                    "userPassword: " + SERVICE_PASSWORD);
            person(c, "alice", "people", "alice-pw", "mail: alice@example.org", "displayName: Alice Liddell");
            person(c, "bob", "people", "bob-pw");
            person(c, "admin", "admins", "admin-pw");
            person(c, "carol", "people", "carol-pw");
            person(c, "carol", "admins", "carol-pw");
            c.add("dn: cn=admins,ou=groups," + BASE, "objectClass: groupOfNames", "cn: admins",
                    "member: uid=alice,ou=people," + BASE, "member: uid=admin,ou=admins," + BASE);
            c.add("dn: cn=developers,ou=groups," + BASE, "objectClass: groupOfNames", "cn: developers",
                    "member: uid=alice,ou=people," + BASE, "member: uid=bob,ou=people," + BASE);
        }
    }

    private static void person(LDAPConnection c, String uid, String ou, String pw, String... extra) throws Exception {
        String[] lines = new String[6 + extra.length];
        lines[0] = "dn: uid=" + uid + ",ou=" + ou + "," + BASE;
        lines[1] = "objectClass: inetOrgPerson";
        lines[2] = "uid: " + uid;
        lines[3] = "cn: " + uid;
        lines[4] = "sn: " + uid;
        lines[5] = "userPassword: " + pw;
        System.arraycopy(extra, 0, lines, 6, extra.length);
        c.add(lines);
    }

    @Override
    public void close() throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
