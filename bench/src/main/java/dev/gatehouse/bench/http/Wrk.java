package dev.gatehouse.bench.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code wrk} load generator (Debian package {@code wrk}) against one URL and reads its
 * summary through a small Lua {@code done} hook, so that nothing depends on wrk's human-readable
 * output.
 */
final class Wrk {

    /** What one wrk run measured. Latencies in microseconds. */
    record Result(long requests, double seconds, long p50Micros, long p99Micros, long errors) {
        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private static final String MARK = "GATEHOUSE-BENCH";
    private static final String SCRIPT = """
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("%s requests=%d duration=%d p50=%d p99=%d errors=%d\\n",
                "%MARK%", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
                e.status + e.connect + e.read + e.write + e.timeout))
            end
            """.replace("%MARK%", MARK);

    /**
     * Sends the requests of a file in turn, a distinct one each time (for credentials good once).
     * The file holds whole requests of one length (args: file, length, threads); each thread reads
     * it in one go and sends every n-th request, wrapping around at the end.
     */
    private static final String EACH = """
            local counter = 0
            function setup(thread)
              thread:set("tid", counter)
              counter = counter + 1
            end
            local data, size, step, count, i
            function init(args)
              local f = assert(io.open(args[1], "rb"))
              data = f:read("*a")
              f:close()
              size = tonumber(args[2])
              step = tonumber(args[3])
              count = #data / size
              i = tid
            end
            function request()
              local r = string.sub(data, i * size + 1, (i + 1) * size)
              i = (i + step) % count
              return r
            end
            """;

    private final int threads;
    private final int connections;
    private final Path script;
    private final Path eachScript;

    Wrk(int threads, int connections) throws IOException {
        this.threads = threads;
        this.connections = connections;
        this.script = Files.createTempFile("gatehouse-bench", ".lua");
        this.script.toFile().deleteOnExit();
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        this.eachScript = Files.createTempFile("gatehouse-bench-each", ".lua");
        this.eachScript.toFile().deleteOnExit();
        Files.writeString(eachScript, EACH + SCRIPT, StandardCharsets.UTF_8);
    }

    /**
     * Drives {@code url} for {@code duration}, each request the next one of {@code requests}: whole
     * requests of {@code length} bytes each, their count a multiple of the threads.
     */
    Result runEach(String url, Path requests, int length, Duration duration) throws IOException, InterruptedException {
        return run(url, Map.of(), duration, eachScript, List.of("--", requests.toString(), Integer.toString(length),
                Integer.toString(threads)));
    }

    int threads() {
        return threads;
    }

    /** Fails with a readable message when wrk is not installed. */
    static void requireInstalled() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("wrk is not installed: apt-get install wrk", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Drives {@code url} for {@code duration} with {@code headers} on every request. */
    Result run(String url, Map<String, String> headers, Duration duration) throws IOException, InterruptedException {
        return run(url, headers, duration, script, List.of());
    }

    private Result run(String url, Map<String, String> headers, Duration duration, Path script, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + duration.toSeconds() + "s", "--timeout", "10s", "-s", script.toString()));
        headers.forEach((name, value) -> {
            command.add("-H");
            command.add(name + ": " + value);
        });
        command.add(url);
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("wrk failed: " + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith(MARK + " ")) {
                Map<String, Long> v = new HashMap<>();
                for (String kv : line.substring(MARK.length() + 1).strip().split(" ")) {
                    int eq = kv.indexOf('=');
                    v.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                }
                return new Result(v.get("requests"), v.get("duration") / 1e6, v.get("p50"), v.get("p99"), v.get("errors"));
            }
        }
        throw new IOException("wrk printed no summary: " + out);
    }
}
