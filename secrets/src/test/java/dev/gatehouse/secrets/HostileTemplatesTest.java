package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.Throttling;
import dev.gatehouse.secrets.crypto.ServerKeyRing;
import dev.gatehouse.secrets.process.CryptoTask;
import dev.gatehouse.secrets.process.ExpressionException;
import dev.gatehouse.secrets.process.ExpressionException.Reason;
import dev.gatehouse.secrets.process.ExpressionLimits;
import dev.gatehouse.secrets.process.ProcessContext;
import dev.gatehouse.secrets.process.ProcessExpressions;
import dev.gatehouse.secrets.store.SecretStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 3: templates are bounded (depth, time, size, constructs) and every failure is typed. */
class HostileTemplatesTest {

    static final String TOKEN_VALUE = "t0ken-VALUE-1234";
    static final String STORE_PASSWORD = "Guarded-Pass-99";

    @TempDir
    Path workDir;

    private final SecretManager secrets = SecretManager.builder().store(SecretStore.inMemory())
            .keyRing(ServerKeyRing.generate("k1")).clock(Fixtures.CLOCK).storePasswordThrottling(Throttling.defaults()).build();
    private final Caller alice = Fixtures.member();
    private final ProcessRef process = Fixtures.process("payments");
    private CryptoTask crypto;

    @BeforeEach
    void setUp() {
        crypto = new CryptoTask(secrets, new ProcessContext(process, workDir, alice));
        secrets.create(alice, NewSecret.builder(ORG, "token", SecretValue.ofString(TOKEN_VALUE)).build());
        secrets.create(alice, NewSecret.builder(ORG, "guarded", SecretValue.ofString("guarded-VALUE-5678"))
                .storePassword(STORE_PASSWORD.toCharArray()).build());
        secrets.create(alice, NewSecret.builder(ORG, "big", SecretValue.ofString("B".repeat(5000))).build());
    }

    private ProcessExpressions expressions(ExpressionLimits limits) {
        return new ProcessExpressions(new ProcessInfo(process, "session-token-123"), crypto, limits);
    }

    private ExpressionException failure(ExpressionLimits limits, String template) {
        Throwable[] thrown = new Throwable[1];
        try {
            expressions(limits).render(template);
        } catch (Throwable t) {
            thrown[0] = t;
        }
        assertThat(thrown[0]).as(template).isInstanceOf(ExpressionException.class);
        ExpressionException e = (ExpressionException) thrown[0];
        assertThat(e.getCause()).as("no cause that could carry a value").isNull();
        return e;
    }

    private ExpressionException failure(String template) {
        return failure(ExpressionLimits.defaults(), template);
    }

    static String nested(String open, String middle, String close, int depth) {
        return "${" + open.repeat(depth) + middle + close.repeat(depth) + "}";
    }

    /** The issue's 98-byte template: a doubling lambda applied 24 times, 2^25 characters. */
    static final String DOUBLING = "${d = x -> x += x; " + "d(".repeat(24) + "'aa'" + ")".repeat(24) + "}";

    @Test
    void theSelfApplyingLambdaIsRefusedAtParseTimeAndBoundedWhenLambdasAreAllowed() {
        ExpressionException byDefault = failure("${(f -> f(f))(f -> f(f))}");
        assertThat(byDefault.reason()).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(byDefault.offset()).isEqualTo(5);
        assertThat(byDefault).hasMessage("Cannot render the template at offset 5: lambda expressions (->) are not allowed "
                + "[NOT_ALLOWED]");

        ExpressionException allowed = failure(ExpressionLimits.builder().allowLambdas(true).build(), "${(f -> f(f))(f -> f(f))}");
        assertThat(allowed.reason()).as("a StackOverflowError never escapes").isEqualTo(Reason.TOO_DEEP);
        assertThat(allowed).hasMessageContaining("lambda calls nest deeper than 64");
        assertThat(expressions(ExpressionLimits.builder().allowLambdas(true).build()).render("${(x -> x)('ok')}"))
                .isEqualTo("ok");
    }

    @Test
    void fiveHundredNestedParenthesesAreRefusedBeforeParsing() {
        ExpressionException e = failure(nested("(", "1", ")", 500));
        assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP);
        assertThat(e.offset()).as("the 65th parenthesis").isEqualTo(2 + 64);
        assertThat(failure(ExpressionLimits.builder().maxDepth(ExpressionLimits.MAX_DEPTH).build(),
                nested("(", "1", ")", 500)).reason()).isEqualTo(Reason.TOO_DEEP);
        for (String[] shape : new String[][] {{"!", "true", ""}, {"-", "1", ""}, {"[", "1", "]"}, {"{", "1", "}"},
                {"true ? ", "1", " : 2"}, {"not ", "true", ""}, {"empty ", "x", ""}, {"crypto.encryptString(", "'x'", ")"}}) {
            assertThat(failure(nested(shape[0], shape[1], shape[2], 5000)).reason()).as(shape[0]).isEqualTo(Reason.TOO_DEEP);
        }
        assertThat(failure("${" + "1 + ".repeat(5000) + "1}").reason()).as("a left-deep tree from a flat text")
                .isEqualTo(Reason.TOO_DEEP);
    }

    @Test
    void nestingWithinTheLimitRenders() {
        ProcessExpressions el = expressions(ExpressionLimits.defaults());
        assertThat(el.render(nested("(", "1", ")", 60))).isEqualTo("1");
        assertThat(el.render(nested("!", "true", "", 60))).isEqualTo("true");
        assertThat(el.render("${" + "1 + ".repeat(49) + "1}")).isEqualTo("50");
        assertThat(el.render("${processInfo.process.org} and ${processInfo.sessionToken}"))
                .isEqualTo(ORG + " and session-token-123");
    }

    @Test
    void theDoublingTemplateIsRefusedByDefaultAndHitsTheOutputCapWhenAllowed() {
        assertThat(DOUBLING.length()).isLessThanOrEqualTo(98);
        assertThat(failure(DOUBLING).reason()).isEqualTo(Reason.NOT_ALLOWED);

        ExpressionLimits open = ExpressionLimits.builder().allowLambdas(true).allowAssignment(true).build();
        ExpressionException e = failure(open, DOUBLING);
        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e).hasMessageContaining("longer than 1048576 characters");

        String assigning = "${s = 'ab'; " + "s = s += s; ".repeat(40) + "s}";
        assertThat(failure(ExpressionLimits.builder().allowAssignment(true).build(), assigning).reason())
                .isEqualTo(Reason.TOO_LARGE);
        assertThat(expressions(ExpressionLimits.builder().allowAssignment(true).build())
                .render("${s = 'ab'; s = s += s; s}")).isEqualTo("abab");
        assertThat(failure(ExpressionLimits.builder().allowAssignment(true).build(), "${crypto = 'x'}").reason())
                .isEqualTo(Reason.NOT_ALLOWED);
    }

    @Test
    void theOutputAndEveryCallResultAreCapped() {
        ExpressionLimits small = ExpressionLimits.builder().maxOutputChars(1000).build();
        ExpressionException big = failure(small, "${crypto.exportAsString('acme', 'big', null)}");
        assertThat(big.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(big.function()).contains("crypto.exportAsString");
        assertThat(failure(small, "x".repeat(1001)).reason()).as("literal text counts").isEqualTo(Reason.TOO_LARGE);
        assertThat(failure(small, "${processInfo.sessionToken}".repeat(60)).reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(expressions(small).render("${processInfo.sessionToken}".repeat(50))).hasSize(17 * 50);
    }

    @Test
    void aRenderPastItsDeadlineStopsAtTheNextStep() {
        Clock ticking = new TickingClock(Duration.ofSeconds(1));
        ProcessExpressions el = new ProcessExpressions(new ProcessInfo(process, "t"), crypto,
                ExpressionLimits.builder().timeout(Duration.ofSeconds(5)).build(), ticking);
        ExpressionException e = failure(el, "${processInfo.process.org}".repeat(20));
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e).hasMessageContaining("took longer than PT5S");
    }

    private static ExpressionException failure(ProcessExpressions el, String template) {
        try {
            el.render(template);
        } catch (ExpressionException e) {
            return e;
        }
        throw new AssertionError("rendered");
    }

    @Test
    void aValueThatDoesNotConvertNamesTheCallNotTheValue() {
        ExpressionException e = failure("${crypto.exportAsString('acme', 'token', null) + 1}");
        assertThat(e.reason()).isEqualTo(Reason.EVALUATION);
        assertThat(e.function()).contains("crypto.exportAsString");
        assertThat(e.offset()).isZero();
        assertThat(e.getMessage()).doesNotContain(TOKEN_VALUE).doesNotContain("For input string");
    }

    @Test
    void aParseErrorGivesItsOffsetAndDoesNotQuoteTheTemplate() {
        String template = "ok ${crypto.exportAsString('acme', 'guarded', '" + STORE_PASSWORD + "'))}";
        ExpressionException e = failure(template);
        assertThat(e.reason()).isEqualTo(Reason.SYNTAX);
        assertThat(e.offset()).isEqualTo(template.indexOf("))") + 1);
        assertThat(e.getMessage()).doesNotContain(STORE_PASSWORD).doesNotContain("guarded");

        ExpressionException lexical = failure("${'" + STORE_PASSWORD + "' ^ 1}");
        assertThat(lexical.reason()).isEqualTo(Reason.SYNTAX);
        assertThat(lexical.getMessage()).doesNotContain(STORE_PASSWORD);
        assertThat(failure("${'" + STORE_PASSWORD + "'").reason()).isEqualTo(Reason.SYNTAX);
    }

    @Test
    void aThrottledCallCarriesItsRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertThat(failure("${crypto.exportAsString('acme', 'guarded', 'wrong-" + i + "')}").secretKind())
                    .contains(SecretException.Kind.INVALID_PASSWORD);
        }
        ExpressionException e = failure("${crypto.exportAsString('acme', 'guarded', '" + STORE_PASSWORD + "')}");
        assertThat(e.secretKind()).contains(SecretException.Kind.THROTTLED);
        assertThat(e.retryAfter()).isPresent();
    }

    @Test
    void escapesAndPlainTextKeepTheirMeaning() {
        ProcessExpressions el = expressions(ExpressionLimits.defaults());
        assertThat(el.render("\\${not evaluated}")).isEqualTo("${not evaluated}");
        assertThat(el.render("a\\\\${'q'}b")).isEqualTo("a\\qb");
        assertThat(el.render("$${'x'} #{'y'} ${'}'} ${\"{\"}")).isEqualTo("$x y } {");
        assertThat(el.render("${1 == 1} ${2 >= 1} ${1 != 2} ${1 - 1} ${'a' eq 'a'}")).isEqualTo("true true true 0 true");
        assertThat(el.render("")).isEmpty();
    }

    /** A clock that moves on by {@code step} each time it is read. */
    static final class TickingClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        private final long step;

        TickingClock(Duration step) {
            this.step = step.toMillis();
        }

        @Override
        public long millis() {
            return millis.getAndAdd(step);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void constructorsRefuseNothingTheyNeed() {
        assertThatThrownBy(() -> ExpressionLimits.builder().maxDepth(0).build()).hasMessageStartingWith("maxDepth");
        assertThatThrownBy(() -> ExpressionLimits.builder().timeout(Duration.ZERO).build()).hasMessageStartingWith("timeout");
        assertThatThrownBy(() -> ExpressionLimits.builder().maxOutputChars(0).build()).hasMessageStartingWith("maxOutputChars");
    }
}
