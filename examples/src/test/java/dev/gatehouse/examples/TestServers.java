package dev.gatehouse.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.examples.internal.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/** Starts example servers for tests and talks to them over real HTTP. */
final class TestServers {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServers() {}

    /** A server on a free port with its data in {@code dataDir} and {@code extra} settings (key, value, ...). */
    static ExampleServer start(Path dataDir, Map<String, String> env, String... extra) throws Exception {
        return start(dataDir, env, UnaryOperator.identity(), extra);
    }

    /** As {@link #start(Path, Map, String...)}, with every database call going through {@code decorate(pool)}. */
    static ExampleServer start(Path dataDir, Map<String, String> env, UnaryOperator<DataSource> decorate,
            String... extra) throws Exception {
        Properties p = new Properties();
        p.setProperty("server.port", "0");
        p.setProperty("server.dataDir", dataDir.toString());
        for (int i = 0; i < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return ExampleServer.start(Settings.of(p, env), decorate);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One client bound to a server. */
    record Client(ExampleServer server, HttpClient http) {
        Client(ExampleServer server) {
            this(server, CLIENT);
        }

        /**
         * A client with its own connections, for requests the server refuses before reading their
         * body: it closes that connection, which must not be reused for the next request.
         */
        Client alone() {
            return new Client(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.port() + path);
        }

        HttpResponse<String> send(String method, String path, String body, String contentType, String... headers)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> sendBytes(String method, String path, byte[] body, String contentType, String... headers)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
            return send("GET", path, null, null, headers);
        }

        HttpResponse<String> postJson(String path, String json, String... headers) throws IOException, InterruptedException {
            return send("POST", path, json, "application/json", headers);
        }

        /** A multipart/form-data POST of text fields (name, value, ...), with the given auth header. */
        HttpResponse<String> postForm(String path, String authorization, String... fields)
                throws IOException, InterruptedException {
            String boundary = "gh" + UUID.randomUUID().toString().replace("-", "");
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < fields.length; i += 2) {
                body.append("--").append(boundary).append("\r\n")
                        .append("Content-Disposition: form-data; name=\"").append(fields[i]).append("\"\r\n\r\n")
                        .append(fields[i + 1]).append("\r\n");
            }
            body.append("--").append(boundary).append("--\r\n");
            return send("POST", path, body.toString(), "multipart/form-data; boundary=" + boundary,
                    "Authorization", authorization);
        }
    }

    /** A multipart/form-data body of byte-valued fields (name, bytes, ...), and its boundary. */
    static byte[] multipart(String boundary, Object... fields) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            byte[] value = fields[i + 1] instanceof byte[] b ? b : fields[i + 1].toString().getBytes(StandardCharsets.UTF_8);
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\""
                    + (value.length > 1024 ? "; filename=\"" + fields[i] + ".bin\"\r\nContent-Type: application/octet-stream" : "")
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(value);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /**
     * Sends {@code request} (a whole HTTP/1.1 request, as bytes) over a plain socket and returns
     * the raw answer: for requests that an HTTP client would refuse to send.
     */
    static String raw(ExampleServer server, byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An address of this machine that is not a loopback one, if it has any. */
    static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
