package dev.gatehouse.secrets;

import static dev.gatehouse.secrets.Fixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.process.CryptoTask;
import dev.gatehouse.secrets.process.ExpressionException;
import dev.gatehouse.secrets.process.ProcessContext;
import dev.gatehouse.secrets.process.ProcessExpressions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessExpressionsTest {

    @TempDir
    Path workDir;

    private final SecretManager secrets = Fixtures.manager();
    private final Caller alice = Fixtures.member();
    private final ProcessRef process = Fixtures.process("payments");
    private CryptoTask crypto;
    private ProcessExpressions expressions;

    @BeforeEach
    void setUp() {
        crypto = new CryptoTask(secrets, new ProcessContext(process, workDir, alice));
        expressions = new ProcessExpressions(new ProcessInfo(process, "session-token-123"), crypto);
        secrets.create(alice, NewSecret.builder(ORG, "git", SecretValue.usernamePassword("deploy", "pw!".toCharArray())).build());
    }

    @Test
    void decryptStringRendersInsideText() {
        String enc = crypto.encryptString("world");
        assertThat(expressions.render("Hello, ${crypto.decryptString('" + enc + "')}")).isEqualTo("Hello, world");
    }

    @Test
    void theSessionTokenOfTheRecordIsReadable() {
        assertThat(expressions.render("${processInfo.sessionToken}")).isEqualTo("session-token-123");
        assertThat(expressions.render("${processInfo.process.org}/${processInfo.process.id}"))
                .isEqualTo(ORG + "/" + process.id());
    }

    @Test
    void cryptoExportsWorkInExpressions() {
        assertThat(expressions.render("${crypto.exportCredentials('acme', 'git', null).password}")).isEqualTo("pw!");
        assertThat(expressions.render("${crypto.exportCredentials('acme', 'git', '').username}")).isEqualTo("deploy");
    }

    @Test
    void exportedKeyFilesCanBeNamedInTemplates() throws Exception {
        secrets.create(alice, NewSecret.builder(ORG, "deploy-key", SshKeys.generate()).build());
        String path = expressions.render("${crypto.exportKeyAsFile('acme', 'deploy-key', null).privateKey}");
        assertThat(Path.of(path)).hasParent(workDir.toAbsolutePath());
        assertThat(Files.readString(Path.of(path))).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    }

    @Test
    void aCryptoFailureSurfacesAsACallFailureWithTheSecretKind() {
        assertThatThrownBy(() -> expressions.render("${crypto.decryptString('gh1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')}"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ExpressionException.Reason.CALL_FAILED);
                    assertThat(e.function()).contains("crypto.decryptString");
                    assertThat(e.secretKind()).isPresent();
                });
        assertThatThrownBy(() -> expressions.render("x ${crypto.exportAsString('acme', 'missing', null)}"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.secretKind()).contains(SecretException.Kind.NOT_FOUND);
                    assertThat(e.offset()).isEqualTo(2);
                })
                .hasMessage("Cannot render the template at offset 2 (crypto.exportAsString): not found (no such secret "
                        + "or project, or not visible to the caller) [CALL_FAILED]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "${processInfo.getClass()}",
        "${crypto.getClass().getClassLoader()}",
        "${Runtime.getRuntime()}",
        "${''.getClass()}",
        "${System.getenv('HOME')}",
        "${processInfo.sessionToken = 'x'}",
        "${unknownVariable.foo}",
        "${crypto.hashCode()}",
        "${Integer.MAX_VALUE}",
        "${processInfo.process.project.get()}"
    })
    void nothingOutsideTheScopeResolves(String template) {
        assertThatThrownBy(() -> expressions.render(template)).isInstanceOfSatisfying(ExpressionException.class,
                e -> assertThat(e.reason()).isIn(ExpressionException.Reason.NOT_IN_SCOPE, ExpressionException.Reason.NOT_ALLOWED));
    }

    @Test
    void aDecryptedValueThatLooksLikeAnExpressionIsNotEvaluatedAgain() {
        String enc = crypto.encryptString("${processInfo.sessionToken}");
        assertThat(expressions.render("${crypto.decryptString('" + enc + "')}")).isEqualTo("${processInfo.sessionToken}");
    }

    @Test
    void plainTextStaysAsItIs() {
        assertThat(expressions.render("no expressions here")).isEqualTo("no expressions here");
    }
}
