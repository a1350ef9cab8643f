package dev.gatehouse.bench.http;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
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
import java.util.ArrayList;
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
 * <p>Every target runs between two runs of the unprotected servlet, and its share is its
 * throughput over the mean of those two; with several rounds, each row is the round with the
 * median share. A shared machine's speed drifts by tens of percent within minutes, and a share
 * against unprotected runs minutes away measured the drift as much as the target. A few rows are
 * not contenders but tell where a cost lies: the unprotected servlet sent a target's headers, and
 * a filter that only wraps the request.
 *
 * <p>Options: {@code --duration 10} and {@code --warmup 5} (seconds per run), {@code --threads 2},
 * {@code --connections 32}, {@code --rounds 1}, {@code --only <regex>} (targets whose label
 * matches), {@code --out docs/bench}, {@code --no-postgres}. PostgreSQL: {@code GATEHOUSE_PG_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}); a private schema
 * is created and dropped.
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
     * then {@code result} holds zeros. {@code share} is its throughput over that of the
     * unprotected runs just before and just after it (see {@link #main}); 1 for the unprotected
     * row itself.
     */
    record Row(Target target, Wrk.Result result, String load, Optional<String> problem, double share) {
        Row withShare(double share) {
            return new Row(target, result, load, problem, share);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        Duration duration = Duration.ofSeconds(Long.parseLong(o.getOrDefault("duration", "10")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", "5")));
        int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "32"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "1"));
        Pattern only = Pattern.compile(o.getOrDefault("only", ".*"));
        Path out = Path.of(o.getOrDefault("out", "docs/bench"));
        boolean postgres = !o.containsKey("no-postgres");
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
            Target session = targets.get(2);
            Target hmac = targets.get(3);
            targets.removeIf(t -> !only.matcher(t.label()).find());
            Target basic = targets.stream().filter(t -> t.job().equals(BASIC_LDAP)).findFirst().orElse(null);
            if (basic != null) {
                targets.add(targets.indexOf(basic) + 1, Target.passThroughWithHeadersOf(basic));
            }
            if (targets.contains(session)) {
                targets.add(targets.indexOf(session) + 1, Target.unprotectedWithHeadersOf(session));
            }
            if (targets.contains(hmac)) {
                // distinct signed headers on every request: what Jetty alone pays for them
                targets.add(targets.indexOf(hmac) + 1, Target.unprotectedWithHeadersOf(hmac));
            }

            int cores = Runtime.getRuntime().availableProcessors();
            String header = String.format(Locale.ROOT, "%d cores (nproc), JDK %s, wrk -t%d -c%d -d%ds after %ds warm-up,"
                    + " %d round%s, load average at start %s", cores, Runtime.version().feature(), threads, connections,
                    duration.toSeconds(), warmup.toSeconds(), rounds, rounds == 1 ? "" : "s", loadAverage());
            System.out.println(header);
            // Every target runs between two runs of the unprotected servlet, and its share is of
            // their mean: this machine's speed drifts by tens of percent within minutes (other
            // tenants of its host), and a share against runs minutes away measured that drift.
            Target unprotected = Target.unprotected();
            List<Row> baseline = new ArrayList<>();
            Map<Target, List<Row>> measured = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                // The first run also warms up the JVM as a whole (JIT of Jetty's request path).
                Row before = measure(wrk, unprotected, round == 1 ? warmup.multipliedBy(3) : warmup, duration);
                print(round, before);
                baseline.add(before);
                for (Target t : targets) {
                    Row row = measure(wrk, t, warmup, duration);
                    Row after = measure(wrk, unprotected, warmup, duration);
                    baseline.add(after);
                    double reference = (before.result().requestsPerSecond() + after.result().requestsPerSecond()) / 2;
                    row = row.withShare(row.problem().isPresent() || reference == 0 ? 0
                            : row.result().requestsPerSecond() / reference);
                    print(round, row);
                    print(round, after);
                    measured.computeIfAbsent(t, k -> new ArrayList<>()).add(row);
                    before = after;
                }
            }
            String footer = String.format(Locale.ROOT, "the %d unprotected runs ranged from %,.0f to %,.0f requests/s;"
                    + " load average at end %s", baseline.size(), baseline.stream().mapToDouble(r -> r.result()
                    .requestsPerSecond()).min().orElse(0), baseline.stream().mapToDouble(r -> r.result()
                    .requestsPerSecond()).max().orElse(0), loadAverage());
            List<Row> rows = new ArrayList<>();
            rows.add(median(baseline, Comparator.comparingDouble(r -> r.result().requestsPerSecond())).withShare(1));
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

    /**
     * Starts the servlet behind the target's filter, checks one request, warms up, measures. A target
     * that fails is reported as such, never as a figure: a refused request is never fast.
     */
    private static Row measure(Wrk wrk, Target target, Duration warmup, Duration duration) throws Exception {
        try (WhoAmIServer server = new WhoAmIServer(target.filter())) {
            check(server.url(), target);
            if (!warmup.isZero()) {
                drive(wrk, server.url(), target, warmup);
            }
            String load = loadAverage();
            Wrk.Result r = drive(wrk, server.url(), target, duration);
            if (r.errors() > 0 || r.requests() == 0) {
                return new Row(target, new Wrk.Result(0, r.seconds(), 0, 0, r.errors()), load, Optional.of(String.format(
                        Locale.ROOT, "not measured: %d requests completed, %d failed (non-2xx, timeout or socket"
                                + " error)", r.requests(), r.errors())), 0);
            }
            check(server.url(), target); // still answering correctly after the load
            return new Row(target, r, load, Optional.empty(), 1);
        } catch (IllegalStateException e) {
            return new Row(target, new Wrk.Result(0, 1, 0, 0, 0), loadAverage(), Optional.of(e.getMessage()), 0);
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
        java.nio.file.Path file = java.nio.file.Files.createTempFile("gatehouse-bench-signed", ".txt");
        try {
            try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8)) {
                target.each().get().write(out, (int) Math.min(Integer.MAX_VALUE,
                        (duration.toSeconds() + 2) * MAX_SIGNED_PER_SECOND), MAX_SIGNED_PER_SECOND);
            }
            return wrk.runEach(url, file, duration);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
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
                        .orElse(row.target().isUnprotected() ? "" : String.format(Locale.ROOT, "  share %.0f%%",
                                100 * row.share())));
    }

    /** The middle round by {@code order} (the upper one of an even count). */
    private static Row median(List<Row> rows, Comparator<Row> order) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(order);
        return sorted.get(sorted.size() / 2);
    }

    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder("| stack | job | requests/s | p50 | p99 | share of unprotected |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: |\n");
        List<String> problems = new ArrayList<>();
        for (Row r : rows) {
            if (r.problem().isPresent()) {
                problems.add(r.target().label() + ": " + r.problem().get());
                t.append(String.format(Locale.ROOT, "| %s | %s | failed [%d] | | | |%n", r.target().stack(),
                        r.target().job(), problems.size()));
                continue;
            }
            t.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %.0f%% |%n", r.target().stack(),
                    r.target().job(), r.result().requestsPerSecond(), millis(r.result().p50Micros()),
                    millis(r.result().p99Micros()), 100 * r.share()));
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
