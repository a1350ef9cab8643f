package dev.gatehouse.bench.http;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The HTTP benchmark of issue 18: the same trivial servlet on embedded Jetty behind no security,
 * Gatehouse with each credential kind (on H2 and on PostgreSQL, pooled with HikariCP as the example
 * server does), Spring Security 7 and Shiro 2 doing the same jobs; each driven in turn by
 * {@code wrk} in one run. Prints a table (requests/s, p50, p99, share of the unprotected figure) and
 * writes it with a PNG chart to {@code docs/bench/}. Run it with {@code bench/http-bench.sh}; never
 * in CI.
 *
 * <p>The unprotected servlet runs all along on a server of its own. Every target is warmed up
 * once before any is measured (they share the JIT's code for Jetty's request path), and again just
 * before it is measured in short slices, each between two slices of the unprotected servlet; a slice's
 * ratio is its throughput over the mean of its two neighbours', and the target's share is the
 * median ratio (with the least and the greatest beside it). A shared machine's speed drifts by tens
 * of percent within minutes, and a share against unprotected runs even a minute away measured the
 * drift as much as the target. With several rounds, each row is the round with the median share.
 * A few rows are not contenders but tell where a cost lies: the unprotected servlet sent a
 * target's headers, and a filter that only wraps the request.
 *
 * <p>Options: {@code --slice 2} (seconds a slice), {@code --slices 6} (slices a target),
 * {@code --warmup 5} (seconds a target), {@code --threads 2}, {@code --connections 32},
 * {@code --rounds 1}, {@code --only <regex>} (targets whose label matches), {@code --out docs/bench},
 * {@code --no-postgres}. PostgreSQL: {@code GATEHOUSE_PG_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}); a private schema is created
 * and dropped.
 */
public final class HttpBenchmark {

    static final String ANONYMOUS = "anonymous";
    static final String API_KEY_OWNER = GatehouseTargets.API_KEY_USER;
    static final String API_KEY = "API key";
    static final String BASIC_LDAP = "Basic, LDAP (login cache)";
    static final String SESSION = "session token";
    static final String HMAC = "HMAC plugin";
    static final String BASIC_DEFAULT = "Basic, default encoder";
    static final String BASIC_CACHED = "Basic, default encoder + cache";

    private HttpBenchmark() {}

    /**
     * One target's figures and the load average when it ran; {@code problem} is set when the
     * target could not be measured (it answered wrongly, failed requests, or completed none), and
     * then {@code result} holds zeros. {@code share} is the median, over the target's slices, of its
     * throughput in a slice over that of the unprotected slices just before and just after it (see
     * {@link #main}); {@code low} and {@code high} are the least and the greatest of those ratios.
     * All three are 1 for the unprotected row itself.
     */
    record Row(Target target, Wrk.Result result, String load, Optional<String> problem, double share, double low,
            double high) {
        static Row failed(Target target, String load, String problem) {
            return new Row(target, new Wrk.Result(0, 1, 0, 0, 0), load, Optional.of(problem), 0, 0, 0);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        Duration slice = Duration.ofSeconds(Long.parseLong(o.getOrDefault("slice", "2")));
        int slices = Integer.parseInt(o.getOrDefault("slices", "6"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", "5")));
        int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "32"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "1"));
        Pattern only = Pattern.compile(o.getOrDefault("only", ".*"));
        Path out = Path.of(o.getOrDefault("out", "docs/bench"));
        boolean postgres = !o.containsKey("no-postgres");
        if (slices < 1 || slice.isZero() || rounds < 1) {
            throw new IllegalArgumentException("--slice, --slices and --rounds must be at least 1");
        }
        Wrk.requireInstalled();
        Wrk wrk = new Wrk(threads, connections);

        String pgUrl = System.getenv().getOrDefault("GATEHOUSE_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String pgSchema = "gh_bench_http_" + UUID.randomUUID().toString().substring(0, 8);
        Path h2Dir = Files.createTempDirectory("gatehouse-bench-h2");
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            LdapDirectory ldap = new LdapDirectory();
            resources.add(ldap);
            HikariDataSource h2 = GatehouseTargets.pool("bench-h2",
                    "jdbc:h2:file:" + h2Dir.resolve("gatehouse") + ";DB_CLOSE_ON_EXIT=FALSE", "sa");
            resources.add(0, h2);
            GatehouseTargets onH2 = new GatehouseTargets("Gatehouse (H2)", h2, ldap);
            resources.add(0, onH2);
            List<Target> targets = new ArrayList<>(onH2.targets());
            if (postgres) {
                execute(pgUrl, "CREATE SCHEMA " + pgSchema);
                HikariDataSource pg = GatehouseTargets.pool("bench-pg", pgUrl + "?currentSchema=" + pgSchema, "postgres");
                resources.add(0, pg);
                GatehouseTargets onPg = new GatehouseTargets("Gatehouse (PostgreSQL)", pg, ldap);
                resources.add(0, onPg);
                targets.addAll(onPg.targets());
            }
            String apiKey = targets.get(0).headers().get().get("Authorization").substring("Bearer ".length());
            targets.addAll(SpringTargets.targets(apiKey));
            targets.addAll(ShiroTargets.targets(apiKey));
            Target apiKeyOnH2 = targets.get(0);
            Target session = targets.get(2);
            Target hmac = targets.get(3);
            targets.removeIf(t -> !only.matcher(t.label()).find());
            targets.add(0, Target.unprotectedAgain()); // the method's noise floor, in every run
            Target basic = targets.stream().filter(t -> t.job().equals(BASIC_LDAP)).findFirst().orElse(null);
            if (basic != null) {
                targets.add(targets.indexOf(basic) + 1, Target.passThroughWithHeadersOf(basic));
            }
            if (targets.contains(apiKeyOnH2)) {
                targets.add(targets.indexOf(apiKeyOnH2) + 1, Target.unprotectedWithHeadersOf(apiKeyOnH2));
            }
            if (targets.contains(session)) {
                targets.add(targets.indexOf(session) + 1, Target.unprotectedWithHeadersOf(session));
            }
            if (targets.contains(hmac)) {
                // distinct signed headers on every request: what Jetty alone pays for them
                targets.add(targets.indexOf(hmac) + 1, Target.unprotectedWithHeadersOf(hmac));
            }

            int cores = Runtime.getRuntime().availableProcessors();
            String header = String.format(Locale.ROOT, "%d cores (nproc), JDK %s, wrk -t%d -c%d; per target %ds warm-up,"
                    + " then %d slices of %ds each between unprotected slices; %d round%s; load average at start %s",
                    cores, Runtime.version().feature(), threads, connections, warmup.toSeconds(), slices,
                    slice.toSeconds(), rounds, rounds == 1 ? "" : "s", loadAverage());
            System.out.println(header);
            // The unprotected servlet runs all along on a server of its own, and every slice of a
            // target is taken between two slices of it: this machine's speed drifts by tens of
            // percent within minutes (other tenants of its host), and a share against runs even a
            // minute away measured that drift as much as the target.
            Target unprotected = Target.unprotected();
            List<Wrk.Result> baseline = new ArrayList<>();
            Map<Target, List<Row>> measured = new LinkedHashMap<>();
            try (WhoAmIServer reference = new WhoAmIServer(unprotected.filter())) {
                check(reference.url(), unprotected);
                drive(wrk, reference.url(), unprotected, warmup.multipliedBy(3)); // JIT of Jetty's request path
                // Every target once before any is measured: the JIT compiles Jetty's request path
                // (shared by every server here) for what it has seen, and the first request with a
                // long unknown header or a filter deoptimises it; a profile showed the first target
                // to bring one paying for the recompilation in its own slices.
                for (Target t : targets) {
                    warm(wrk, t, warmup);
                }
                drive(wrk, reference.url(), unprotected, warmup);
                for (int round = 1; round <= rounds; round++) {
                    for (Target t : targets) {
                        Row row = measure(wrk, reference, t, warmup, slice, slices, baseline);
                        print(round, row);
                        measured.computeIfAbsent(t, k -> new ArrayList<>()).add(row);
                    }
                }
                check(reference.url(), unprotected);
            }
            double[] reference = baseline.stream().mapToDouble(Wrk.Result::requestsPerSecond).sorted().toArray();
            String footer = String.format(Locale.ROOT, "the %d unprotected slices ranged from %,.0f to %,.0f requests/s;"
                    + " load average at end %s", reference.length, reference.length == 0 ? 0 : reference[0],
                    reference.length == 0 ? 0 : reference[reference.length - 1], loadAverage());
            List<Row> rows = new ArrayList<>();
            if (!baseline.isEmpty()) {
                List<Wrk.Result> sorted = new ArrayList<>(baseline);
                sorted.sort(Comparator.comparingDouble(Wrk.Result::requestsPerSecond));
                rows.add(new Row(unprotected, sorted.get(sorted.size() / 2), "", Optional.empty(), 1, 1, 1));
            }
            measured.values().forEach(r -> rows.add(median(r, Comparator.comparingDouble(Row::share))));
            String table = table(rows);
            System.out.println();
            System.out.println(header);
            System.out.println(table);
            System.out.println(footer);
            Files.createDirectories(out);
            Files.writeString(out.resolve("http.md"), header + "; " + footer + ".\n\n" + table, StandardCharsets.UTF_8);
            Chart.write(rows, header, out.resolve("http.png"));
            System.out.println("wrote " + out.resolve("http.md") + " and " + out.resolve("http.png"));
        } finally {
            for (AutoCloseable r : resources) {
                r.close();
            }
            if (postgres) {
                execute(pgUrl, "DROP SCHEMA IF EXISTS " + pgSchema + " CASCADE");
            }
            try (var files = Files.walk(h2Dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Starts the servlet behind the target's filter and drives it for {@code warmup}, measuring nothing. */
    private static void warm(Wrk wrk, Target target, Duration warmup) throws Exception {
        try (WhoAmIServer server = new WhoAmIServer(target.filter())) {
            check(server.url(), target);
            drive(wrk, server.url(), target, warmup);
        } catch (IllegalStateException e) {
            System.out.println("warm-up of " + target.label() + " failed: " + e.getMessage());
        }
    }

    /**
     * Below this many requests a second in its warm-up, a target is measured in one slice of
     * {@link #SLOW_SLICE} instead: with 32 connections, a request that hashes a password with
     * bcrypt or Argon2id takes longer than a short slice, and a slice counts only the requests it
     * completes. Its share is far below any goal either way.
     */
    private static final double SLOW = 1_000;

    private static final Duration SLOW_SLICE = Duration.ofSeconds(10);

    /**
     * Starts the servlet behind the target's filter, checks one request and warms it up; then runs
     * {@code slices} slices of it, each between two slices of the unprotected {@code reference}
     * (whose slices are added to {@code baseline}), and checks one request again. A slice's ratio
     * is its throughput over the mean of its two neighbours'; the row's share is the median ratio,
     * its requests/s those of all its slices together, its latencies those of its median slice. A
     * target that fails is reported as such, never as a figure: a refused request is never fast. A
     * target slower than {@link #SLOW} is measured in one slice of {@link #SLOW_SLICE}.
     */
    private static Row measure(Wrk wrk, WhoAmIServer reference, Target target, Duration warmup, Duration fastSlice,
            int fastSlices, List<Wrk.Result> baseline) throws Exception {
        Target unprotected = Target.unprotected();
        String load = loadAverage();
        try (WhoAmIServer server = new WhoAmIServer(target.filter())) {
            check(server.url(), target);
            Wrk.Result warm = drive(wrk, server.url(), target, warmup);
            // a request that hashes a password takes longer than a short slice: one long slice
            boolean slow = warm.requestsPerSecond() < SLOW;
            Duration slice = slow ? SLOW_SLICE : fastSlice;
            int slices = slow ? 1 : fastSlices;
            Wrk.Result before = drive(wrk, reference.url(), unprotected, slice);
            List<Wrk.Result> results = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < slices; i++) {
                Wrk.Result r = drive(wrk, server.url(), target, slice);
                if (r.errors() > 0 || r.requests() == 0) {
                    return Row.failed(target, load, String.format(Locale.ROOT, "not measured: %d requests completed,"
                            + " %d failed (non-2xx, timeout or socket error)", r.requests(), r.errors()));
                }
                Wrk.Result after = drive(wrk, reference.url(), unprotected, slice);
                baseline.add(before);
                results.add(r);
                ratios.add(r.requestsPerSecond() / ((before.requestsPerSecond() + after.requestsPerSecond()) / 2));
                before = after;
            }
            baseline.add(before);
            check(server.url(), target); // still answering correctly after the load
            Integer[] order = new Integer[slices];
            for (int i = 0; i < slices; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(ratios::get));
            Wrk.Result middle = results.get(order[slices / 2]);
            long requests = results.stream().mapToLong(Wrk.Result::requests).sum();
            double seconds = results.stream().mapToDouble(Wrk.Result::seconds).sum();
            return new Row(target, new Wrk.Result(requests, seconds, middle.p50Micros(), middle.p99Micros(), 0), load,
                    Optional.empty(), ratios.get(order[slices / 2]), ratios.get(order[0]),
                    ratios.get(order[slices - 1]));
        } catch (IllegalStateException e) {
            return Row.failed(target, load, e.getMessage());
        }
    }

    /**
     * The most requests per second a target is given distinct signed requests for (the file wraps
     * around beyond it, and a repeated request is refused as a replay, failing the run).
     */
    private static final int MAX_SIGNED_PER_SECOND = 80_000;

    private static Wrk.Result drive(Wrk wrk, String url, Target target, Duration duration) throws Exception {
        if (target.each().isEmpty()) {
            return wrk.run(url, target.headers().get(), duration);
        }
        Path file = Files.createTempFile("gatehouse-bench-signed", ".http");
        try {
            int length = writeSigned(file, url, target.each().get(), (int) Math.min(Integer.MAX_VALUE,
                    (duration.toSeconds() + 2) * MAX_SIGNED_PER_SECOND), wrk.threads());
            return wrk.runEach(url, file, length, duration);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Writes {@code count} (rounded up to a multiple of {@code threads}) distinct signed requests to
     * {@code file}, each the whole HTTP request as wrk sends it and all of one length, which it
     * returns: wrk then reads the file in one go and cuts request after request from it, instead of
     * parsing lines while its first thread is already sending (which counted requests sent before
     * its clock started). A client signs a request when it sends it, so the requests are dated as
     * if sent at {@code MAX_SIGNED_PER_SECOND} a second from now: the first that many carry this
     * second, the next ones the next second, and so on.
     */
    private static int writeSigned(Path file, String url, Target.SignedRequests signer, int count, int threads)
            throws IOException {
        URI uri = URI.create(url);
        String head = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n";
        int total = (count + threads - 1) / threads * threads;
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int length = -1;
        String date = null;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int i = 0; i < total; i++) {
                if (i % MAX_SIGNED_PER_SECOND == 0) {
                    date = start.plusSeconds(i / MAX_SIGNED_PER_SECOND).toString();
                }
                StringBuilder request = new StringBuilder(512).append(head);
                signer.sign(date).forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
                byte[] bytes = request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
                if (length == -1) {
                    length = bytes.length;
                } else if (bytes.length != length) {
                    throw new IllegalStateException("signed requests differ in length: " + length + " and " + bytes.length);
                }
                out.write(bytes);
            }
        }
        return length;
    }

    /** Fails unless the target answers 200 with its expected username: a refusal is never fast. */
    private static void check(String url, Target target) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        target.headers().get().forEach(request::header);
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        String expected = "{\"username\":\"" + target.username() + "\"}";
        if (response.statusCode() != 200 || !response.body().equals(expected)) {
            throw new IllegalStateException(target.label() + ": expected 200 " + expected + ", got "
                    + response.statusCode() + " " + response.body());
        }
    }

    private static void print(int round, Row row) {
        System.out.printf(Locale.ROOT, "round %d  %-56s %10.0f/s  p50 %s  p99 %s  load %s%s%n", round,
                row.target().label(), row.result().requestsPerSecond(), millis(row.result().p50Micros()),
                millis(row.result().p99Micros()), row.load(), row.problem().map(p -> "  " + p)
                        .orElse(String.format(Locale.ROOT, "  share %.0f%% (slices %.0f-%.0f%%)", 100 * row.share(),
                                100 * row.low(), 100 * row.high())));
    }

    /** The middle round by {@code order} (the upper one of an even count). */
    private static Row median(List<Row> rows, Comparator<Row> order) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(order);
        return sorted.get(sorted.size() / 2);
    }

    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder("| stack | job | requests/s | p50 | p99 | share of unprotected"
                + " | slices (least-most) |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        List<String> problems = new ArrayList<>();
        for (Row r : rows) {
            if (r.problem().isPresent()) {
                problems.add(r.target().label() + ": " + r.problem().get());
                t.append(String.format(Locale.ROOT, "| %s | %s | failed [%d] | | | | |%n", r.target().stack(),
                        r.target().job(), problems.size()));
                continue;
            }
            t.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %.0f%% | %s |%n", r.target().stack(),
                    r.target().job(), r.result().requestsPerSecond(), millis(r.result().p50Micros()),
                    millis(r.result().p99Micros()), 100 * r.share(), r.target().isUnprotected() ? ""
                            : String.format(Locale.ROOT, "%.0f-%.0f%%", 100 * r.low(), 100 * r.high())));
        }
        for (int i = 0; i < problems.size(); i++) {
            t.append(String.format(Locale.ROOT, "%n[%d] %s%n", i + 1, problems.get(i)));
        }
        return t.toString();
    }

    static String millis(long micros) {
        return micros >= 100_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1000.0)
                : String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i] + "; see the class javadoc");
            }
            String name = args[i].substring(2);
            if (name.equals("no-postgres")) {
                o.put(name, "true");
            } else if (i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return o;
    }
}
