package dev.gatehouse.ldap.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for the name
 * {@value #SERVER_NAME} (and nothing else, not even localhost: so that reaching the server as
 * {@code localhost} is a host name mismatch), made
 * at test time with the JDK's {@code keytool} in a temporary folder: no key is ever committed.
 */
public final class TestCa {

    public static final String STORE_PASSWORD = "changeit";
    public static final String SERVER_NAME = "ldap.gatehouse.invalid";

    /**
     * The files a TLS test needs.
     *
     * @param trustStore PKCS12 trust store holding only the test CA, for the realm
     */
    public record ServerFiles(Path dir, Path caPem, Path certificatePem, Path keyPem, Path trustStore) {}

    private TestCa() {}

    public static ServerFiles create() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-slapd-tls-");
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Gatehouse Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storepass", STORE_PASSWORD,
                "-storetype", "PKCS12");
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Gatehouse Test LDAP",
                "-validity", "2", "-keystore", server.toString(), "-storepass", STORE_PASSWORD, "-storetype", "PKCS12");
        keytool(dir, "-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", STORE_PASSWORD,
                "-file", dir.resolve("server.csr").toString());
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", STORE_PASSWORD,
                "-infile", dir.resolve("server.csr").toString(), "-outfile", dir.resolve("server.pem").toString(), "-rfc",
                "-ext", "san=dns:" + SERVER_NAME, "-ext", "ku:c=digitalSignature,keyEncipherment",
                "-ext", "eku=serverAuth", "-validity", "2");
        keytool(dir, "-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", STORE_PASSWORD, "-rfc",
                "-file", dir.resolve("ca.pem").toString());
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", dir.resolve("trust.p12").toString(), "-storepass", STORE_PASSWORD, "-storetype", "PKCS12");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("server", STORE_PASSWORD.toCharArray());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path keyPem = dir.resolve("server.key");
        Files.writeString(keyPem, pem, StandardCharsets.US_ASCII);
        return new ServerFiles(dir, dir.resolve("ca.pem"), dir.resolve("server.pem"), keyPem, dir.resolve("trust.p12"));
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}
