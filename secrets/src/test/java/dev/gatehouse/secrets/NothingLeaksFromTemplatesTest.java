package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.core.testing.CapturingLogger;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.process.CryptoTask;
import dev.gatehouse.secrets.process.ExpressionException;
import dev.gatehouse.secrets.process.ExpressionLimits;
import dev.gatehouse.secrets.process.ProcessContext;
import dev.gatehouse.secrets.process.ProcessExpressions;
import dev.gatehouse.secrets.store.SecretStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 12 item 3: runs hostile templates, logs each failure as a host would (message and full
 * stack trace, through SLF4J), and scans everything written (SLF4J lines, System.out and
 * System.err, java.util.logging) and every exception text for the secret values and passwords used.
 */
class NothingLeaksFromTemplatesTest {

    private static final String DATA_VALUE = "dAtA-VALUE-8Q3Z";
    private static final String NAME_LIKE_VALUE = "nameLike-VALUE-7K2W"; // a valid secret name, so a lookup echoes it
    private static final String CREDENTIAL_PASSWORD = "cReD-PASS-5T1X";
    private static final String STORE_PASSWORD = "Store-PASS-4R9V";
    private static final String WRONG_PASSWORD = "Wrong-PASS-2M6N";
    private static final String PLAIN_STRING = "pLaIn-STRING-3J8H";
    private static final List<String> SECRETS = List.of(DATA_VALUE, NAME_LIKE_VALUE, CREDENTIAL_PASSWORD, STORE_PASSWORD,
            WRONG_PASSWORD, PLAIN_STRING);

    @TempDir
    Path workDir;

    @Test
    void noHostileTemplateLeaksAValueOrPasswordIntoAnyLogOrMessage() {
        SecretManager secrets = SecretManager.builder().store(SecretStore.inMemory()).keyRing(ServerKeyRing.generate("k1"))
                .clock(Fixtures.CLOCK).storePasswordThrottling(Throttling.defaults()).build();
        Caller alice = Fixtures.member();
        secrets.create(alice, NewSecret.builder(ORG, "data", SecretValue.ofString(DATA_VALUE)).build());
        secrets.create(alice, NewSecret.builder(ORG, "name-like", SecretValue.ofString(NAME_LIKE_VALUE)).build());
        secrets.create(alice, NewSecret.builder(ORG, "git", SecretValue.usernamePassword("deploy",
                CREDENTIAL_PASSWORD.toCharArray())).build());
        secrets.create(alice, NewSecret.builder(ORG, "guarded", SecretValue.ofString(DATA_VALUE))
                .storePassword(STORE_PASSWORD.toCharArray()).build());
        ProcessRef process = Fixtures.process("payments");
        CryptoTask crypto = new CryptoTask(secrets, new ProcessContext(process, workDir, alice));
        String encrypted = crypto.encryptString(PLAIN_STRING);
        String data = "crypto.exportAsString('acme', 'data', null)";
        String nameLike = "crypto.exportAsString('acme', 'name-like', null)";
        String guarded = "crypto.exportAsString('acme', 'guarded', '" + STORE_PASSWORD + "')";
        String password = "crypto.exportCredentials('acme', 'git', null).password";
        String plain = "crypto.decryptString('" + encrypted + "')";
        List<String> hostile = List.of(
                "${(f -> f(f))(f -> f(f))}",
                HostileTemplatesTest.nested("(", "1", ")", 500),
                HostileTemplatesTest.DOUBLING,
                "${" + data + " + 1}",
                "${" + guarded + " + 1}",
                "${" + password + " * 2}",
                "${" + plain + " - 1}",
                "${" + data + " > 5}",
                "${" + data + " / 2}",
                "${-" + password + "}",
                "${" + data + ".bytes}",
                "${processInfo[" + data + "]}",
                "${processInfo.process[" + password + "]}",
                "${crypto[" + data + "]()}",
                "${crypto.exportAsString('acme', " + nameLike + ", null)}",
                "${crypto.exportAsString('acme', " + data + ", null)}",
                "${crypto.exportAsString(" + data + ", 'data', null)}",
                "${crypto.exportAsString('acme', 'guarded', " + password + ")}",
                "${crypto.exportAsString('acme', 'guarded', '" + WRONG_PASSWORD + "')}",
                "${crypto.encryptString(" + nameLike + ", 'p', 'x')}",
                "${crypto.encryptString('acme', " + nameLike + ", 'x')}",
                "${crypto.decryptString(" + data + ")}",
                "${crypto.decryptString(" + password + ")}",
                "${" + guarded + "))}",
                "${'" + STORE_PASSWORD + "' ^ 1}",
                "${'" + STORE_PASSWORD + "'",
                "${crypto.exportAsString('acme', 'guarded', '" + STORE_PASSWORD + "') = 1}",
                "${" + plain + "; 1}",
                "${x -> " + guarded + "}",
                "${" + data + " += 'x'}",
                "${" + data + "(1)}",
                "${" + plain + ".foo(" + password + ")}",
                "${empty " + data + ".x}");

        CapturingLogger captured = new CapturingLogger("host.process");
        org.slf4j.Logger host = LoggerFactory.getLogger("host.process");
        List<LogRecord> julRecords = new ArrayList<>();
        Handler jul = new Handler() {
            @Override
            public void publish(LogRecord r) {
                julRecords.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(jul);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream both = new PrintStream(console, true, StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>();
        int failures = 0;
        List<String> rendered = new ArrayList<>();
        System.setOut(both);
        System.setErr(both);
        try {
            for (ExpressionLimits limits : List.of(ExpressionLimits.defaults(),
                    ExpressionLimits.builder().allowLambdas(true).allowAssignment(true).build())) {
                ProcessExpressions el = new ProcessExpressions(new ProcessInfo(process, "session-token"), crypto, limits);
                for (String template : hostile) {
                    try {
                        el.render(template);
                        rendered.add(limits.allowLambdas() + " " + template);
                    } catch (ExpressionException e) {
                        failures++;
                        // What a host does with a failed process: its message to the user, the exception to the log.
                        captured.warn("process {} failed: {}", process.id(), e.getMessage());
                        captured.warn("process failed: {}", e.toString());
                        host.warn("process " + process.id() + " failed", e);
                        StringWriter trace = new StringWriter();
                        e.printStackTrace(new PrintWriter(trace));
                        texts.add(trace.toString());
                        assertThat(e.getMessage()).as("the message never quotes the template").doesNotContain(template);
                    }
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(jul);
        }

        // With lambdas and assignment allowed, three of them are valid templates; their output is the
        // process's, which a host never logs. Every other one failed, typed.
        assertThat(rendered).containsExactly("true ${" + plain + "; 1}", "true ${x -> " + guarded + "}",
                "true ${" + data + " += 'x'}");
        assertThat(failures).isEqualTo(2 * hostile.size() - 3);
        texts.add(captured.text());
        texts.add(console.toString(StandardCharsets.UTF_8));
        for (LogRecord r : julRecords) {
            texts.add(String.valueOf(r.getMessage()));
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                texts.add(trace.toString());
            }
        }
        assertThat(console.toString(StandardCharsets.UTF_8)).as("the host's SLF4J lines were captured")
                .contains("host.process");
        String all = String.join("\n", texts);
        for (String secret : SECRETS) {
            assertThat(all).as("nothing written contains " + secret).doesNotContain(secret);
        }
        assertThat(all).doesNotContain("For input string").doesNotContain("Cannot convert");
    }
}
