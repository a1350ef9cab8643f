package dev.gatehouse.examples;

import static dev.gatehouse.examples.ConsolePages.cell;
import static dev.gatehouse.examples.TestServers.basic;
import static dev.gatehouse.examples.TestServers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web console end to end: Debian's headless Chromium against the example server on an
 * ephemeral port (embedded defaults: H2, the demo directory). One browser with a fresh profile
 * serves the class; each test starts from a blank page, and since the console keeps nothing
 * outside page memory, opening it again is a fresh start.
 * Everything the console does is checked again through the REST API from the test's own client.
 */
class ConsoleBrowserTest {

    @TempDir
    static Path dataDir;
    private static ExampleServer server;
    private static TestServers.Client http;
    private static String admin;

    private static final String MYUSER = basic("myuser", "mypwd");
    private static final String BOB = basic("bob", "Builder22");

    private static Chromium browser;
    private static ConsolePages console;

    @TempDir
    Path work;

    /** A failed test leaves a screenshot of what the browser showed in target/console-failures. */
    @RegisterExtension
    final TestExecutionExceptionHandler screenshotOnFailure = (context, error) -> {
        if (browser != null) {
            try {
                browser.screenshot(Path.of("target", "console-failures", context.getRequiredTestMethod().getName() + ".png"));
            } catch (Exception | Error e) {
                error.addSuppressed(e);
            }
        }
        throw error;
    };

    @BeforeAll
    static void startServer() throws Exception {
        // All 22 tests share one server and one client address, and several refuse credentials on
        // purpose (wrong passwords, revoked and disabled keys). Credentials that name no account are
        // counted per address (README, "Throttling"), so the deliberate failures of earlier tests
        // would throttle the keys of later ones; the console's own behaviour is what is tested here.
        server = TestServers.start(dataDir.resolve("data"), Map.of(), "gatehouse.throttle.maxFailures", "1000");
        http = new TestServers.Client(server);
        admin = server.adminApiKey().orElseThrow();
        browser = Chromium.start(1280, 900);
        console = new ConsolePages(browser, server);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            server.close();
        }
    }

    @AfterEach
    void checkTheBrowserAndStartOver() {
        try {
            browser.assertNoAlert();
            browser.assertCleanLog();
        } finally {
            browser.reset();
        }
    }

    private String whoami(String authorization) throws Exception {
        HttpResponse<String> r = http.get("/api/service/console/whoami", "Authorization", authorization);
        return r.statusCode() == 200 ? json(r).get("username").asText() : "HTTP " + r.statusCode();
    }

    private String newKey(String authorization, String name) throws Exception {
        HttpResponse<String> r = http.postJson("/api/v1/apikey", "{\"name\":\"" + name + "\"}", "Authorization", authorization);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("key").asText();
    }

    // --- signing in ------------------------------------------------------------------------

    @Test
    void signsInWithPasswordUsingTheKeyboardShowsWhoamiAndSignsOut() {
        console.openConsole();
        // The username field has the focus; Tab and Enter are all it takes.
        browser.driver.switchTo().activeElement().sendKeys("myuser", Keys.TAB);
        browser.driver.switchTo().activeElement().sendKeys("mypwd", Keys.ENTER);

        assertThat(browser.byId("who-name").getText()).isEqualTo("My User");
        assertThat(browser.byId("who-username").getText()).isEqualTo("myuser");
        assertThat(browser.byId("who-realm").getText()).isEqualTo("ldap");
        assertThat(browser.byId("who-roles").getText()).isEqualTo("none");
        assertThat(browser.js("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
        assertThat(browser.js("return document.cookie")).isEqualTo("");
        assertThat(browser.driver.manage().getCookies()).isEmpty();

        console.signOut();
        assertThat(browser.find(By.cssSelector(".notice")).getText()).isEqualTo("You are signed out.");
        assertThat(browser.driver.findElements(By.id("who-name"))).isEmpty();
    }

    @Test
    void aReloadSignsOutBecauseTheCredentialIsInPageMemoryOnly() {
        console.signIn("myuser", "mypwd");
        browser.driver.navigate().refresh();

        browser.byId("username");
        assertThat(browser.driver.findElements(By.id("who-name"))).isEmpty();
    }

    @Test
    void aWrongPasswordIsShownNextToThePasswordField() {
        console.openConsole();
        browser.type("username", "myuser");
        browser.type("password", "not-my-password");
        browser.click("password-sign-in");

        assertThat(browser.waitForText(By.id("password-error"), "Sign-in failed")).isNotBlank();
        assertThat(browser.byId("password").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.driver.findElements(By.id("who-name"))).isEmpty();

        browser.type("password", "");
        browser.click("password-sign-in");
        assertThat(browser.waitForText(By.id("password-error"), "Enter your password.")).isNotBlank();
    }

    @Test
    void signsInWithAnApiKey() throws Exception {
        String key = newKey(BOB, "bob-console-login");

        console.signInWithKey(key);

        assertThat(browser.byId("who-name").getText()).isEqualTo("Bob Builder");
        assertThat(browser.byId("who-realm").getText()).isEqualTo("apikey");
        console.signOut();
        browser.type("api-key", "gh_not-a-real-key");
        browser.click("key-sign-in");
        assertThat(browser.waitForText(By.id("api-key-error"), "Sign-in failed")).isNotBlank();
    }

    // --- API keys ------------------------------------------------------------------------

    @Test
    void apiKeyIsCreatedShownOnceCopiedUsedAndRevoked() throws Exception {
        browser.allowClipboard(console.origin());
        console.signIn("myuser", "mypwd");
        console.go("keys");
        browser.type("key-name", "from-console");
        browser.byId("key-expiry").sendKeys("12312030");
        browser.click("create-key");

        WebElement dialog = console.dialog();
        assertThat(dialog.getText()).contains("it will not be shown again");
        String shown = browser.byId("new-key-value").getText();
        assertThat(shown).startsWith("gh_");
        console.clickInDialog("Copy key");
        browser.waitForText(By.cssSelector("dialog[open] .copy-status"), "Copied");
        console.clickInDialog("I have copied it, close");
        console.waitDialogClosed();

        assertThat(console.pageTextAndValues()).doesNotContain(shown);
        assertThat(browser.heapContains(shown)).as("the key is still in the page's memory").isFalse();
        String copied = browser.clipboard();
        assertThat(copied).isEqualTo(shown);
        assertThat(whoami(copied)).as("the copied key authenticates").isEqualTo("myuser");

        WebElement row = console.row("keys-list", "from-console");
        assertThat(cell(row, "Expires")).startsWith("2030-12-31");
        assertThat(cell(row, "Created")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d");
        JsonNode listed = json(http.get("/api/v1/apikey", "Authorization", MYUSER));
        assertThat(listed.toString()).contains("\"name\":\"from-console\"").doesNotContain(shown);

        row.findElement(By.xpath(".//button[normalize-space()='Revoke']")).click();
        assertThat(console.dialog().getText()).contains("from-console").contains("cannot be undone");
        console.clickInDialog("Cancel");
        console.waitDialogClosed();
        assertThat(whoami(copied)).as("cancel revokes nothing").isEqualTo("myuser");

        console.row("keys-list", "from-console").findElement(By.xpath(".//button[normalize-space()='Revoke']")).click();
        console.clickInDialog("Revoke key");
        console.waitForStatus("Key \"from-console\" revoked.");
        assertThat(console.hasRow("keys-list", "from-console")).isFalse();
        assertThat(whoami(copied)).isEqualTo("HTTP 401");
    }

    @Test
    void aScopedKeyIsCreatedWithTheScopeListAndShownWithItsScopes() throws Exception {
        console.signIn("myuser", "mypwd");
        console.go("keys");
        browser.type("key-name", "scoped-console");
        browser.find(By.cssSelector("#key-scopes option[value='secret:read']"));
        org.openqa.selenium.support.ui.Select scopes = new org.openqa.selenium.support.ui.Select(browser.byId("key-scopes"));
        assertThat(scopes.isMultiple()).isTrue();
        assertThat(browser.find(By.cssSelector("#key-scopes option[value='user:manage']")).isEnabled())
                .as("a scope myuser does not hold cannot be chosen").isFalse();
        scopes.selectByValue("secret:read");
        scopes.selectByValue("process:start");
        browser.click("create-key");
        console.dialog();
        String shown = browser.byId("new-key-value").getText();
        console.clickInDialog("I have copied it, close");
        console.waitDialogClosed();

        assertThat(cell(console.row("keys-list", "scoped-console"), "Scopes")).isEqualTo("process:start, secret:read");
        HttpResponse<String> write = http.postForm("/api/v1/org/Default/secret", shown, "name", "from-scoped",
                "type", "data", "data", "x");
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("secret:write");
        assertThat(http.get("/api/v1/org/Default/secret", "Authorization", shown).statusCode()).isEqualTo(200);
        assertThat(cell(console.row("keys-list", "scoped-console"), "Name")).isEqualTo("scoped-console");
        browser.type("key-name", "plain-console");
        browser.click("create-key");
        console.dialog();
        console.clickInDialog("I have copied it, close");
        console.waitDialogClosed();
        assertThat(cell(console.row("keys-list", "plain-console"), "Scopes")).isEqualTo("all (unscoped)");
    }

    @Test
    void keyIsCreatedAndRevokedWithTheKeyboardAlone() throws Exception {
        console.signIn("carol", "Entropy42");
        console.go("keys");
        browser.byId("key-name").sendKeys("keyboard-key", Keys.ENTER);
        browser.byId("new-key-value");
        String key = browser.byId("new-key-value").getText();
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        console.waitDialogClosed();
        assertThat(console.pageTextAndValues()).doesNotContain(key);
        assertThat(whoami(key)).isEqualTo("carol");

        WebElement revoke = console.row("keys-list", "keyboard-key").findElement(By.tagName("button"));
        browser.js("arguments[0].focus()", revoke);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        console.dialog();
        assertThat(browser.driver.switchTo().activeElement().getText()).as("focus starts on Cancel").isEqualTo("Cancel");
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        console.waitForStatus("revoked");
        assertThat(whoami(key)).isEqualTo("HTTP 401");
    }

    @Test
    void revokingTheKeyYouSignedInWithSignsYouOut() throws Exception {
        String key = newKey(BOB, "bob-self-revoke");
        console.signInWithKey(key);
        console.go("keys");

        console.row("keys-list", "bob-self-revoke").findElement(By.tagName("button")).click();
        console.clickInDialog("Revoke key");

        assertThat(browser.waitForText(By.cssSelector(".notice"), "no longer accepts your credentials")).isNotBlank();
        browser.byId("api-key");
    }

    @Test
    void adminSeesAndRevokesAnotherUsersKeys() throws Exception {
        String bobs = newKey(BOB, "bob-build-agent");
        console.signIn("alice", "Wonderland1");
        console.go("keys");
        browser.type("keys-owner", "bob");
        browser.click("show-owner-keys");

        assertThat(browser.byId("keys-owner-notice").getText()).isEqualTo("You are viewing the keys of bob.");
        console.waitForList("keys-list");
        console.row("keys-list", "bob-build-agent").findElement(By.tagName("button")).click();
        console.clickInDialog("Revoke key");
        console.waitForStatus("revoked");

        assertThat(whoami(bobs)).isEqualTo("HTTP 401");
        assertThat(console.hasRow("keys-list", "bob-build-agent")).isFalse();
    }

    // --- secrets -------------------------------------------------------------------------

    @Test
    void textAndFileSecretsAreCreatedAndReadBackByteForByte() throws Exception {
        console.signIn("myuser", "mypwd");
        console.go("secrets");
        assertThat(browser.byId("secret-visibility").getAttribute("value")).as("private by default").isEqualTo("PRIVATE");

        console.createSecret("console-text", "text", Map.of("secret-text", "line one\nline two"));
        console.waitForStatus("Secret \"console-text\" created.");
        Path upload = work.resolve("notes.txt");
        byte[] bytes = "first\r\nsecond\n\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8);
        Files.write(upload, bytes);
        console.createSecret("console-file", "file", Map.of("secret-file", upload.toString()));
        console.waitForStatus("Secret \"console-file\" created.");

        WebElement row = console.row("secrets-list", "console-text");
        assertThat(cell(row, "Type")).isEqualTo("Text or file");
        assertThat(cell(row, "Visibility")).isEqualTo("Private");
        assertThat(cell(row, "Owner")).isEqualTo("you");
        assertThat(cell(row, "Project")).isEqualTo("any project");
        assertThat(cell(row, "Storage")).isEqualTo("Server key");
        assertThat(console.pageTextAndValues()).as("no value before a click").doesNotContain("line two");

        row.findElement(By.xpath(".//button[normalize-space()='Show value']")).click();
        assertThat(browser.byId("secret-value").getText()).isEqualTo("line one\nline two");
        console.clickInDialog("Close");
        console.waitDialogClosed();
        assertThat(console.pageTextAndValues()).doesNotContain("line two");

        assertThat(http.send("POST", "/api/v1/org/Default/secret/console-text/data", null, null, "Authorization", MYUSER)
                .body()).isEqualTo("line one\nline two");
        HttpResponse<byte[]> file = http.http().send(java.net.http.HttpRequest.newBuilder(
                        http.uri("/api/v1/org/Default/secret/console-file/data")).header("Authorization", MYUSER)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.body()).isEqualTo(bytes);
    }

    @Test
    void usernamePasswordSecretWithAStorePasswordShowsThePolicyFirstAndAsksForIt() throws Exception {
        console.signIn("myuser", "mypwd");
        console.go("secrets");
        console.choose("protection", "password");
        assertThat(browser.byId("secret-store-password-hint").getText())
                .isEqualTo("A store password needs at least 7 characters, an upper-case letter, a lower-case letter and a digit.");

        console.createSecret("console-db", "username_password", Map.of("secret-username", "app",
                "secret-password", "tiger<&>\"", "secret-store-password", "weak", "secret-store-password-2", "weak"));
        assertThat(console.fieldError("secret-store-password")).contains("at least 7 characters").contains("a digit");
        assertThat(http.send("POST", "/api/v1/org/Default/secret/console-db/data", null, null, "Authorization", MYUSER)
                .statusCode()).as("nothing was sent").isEqualTo(404);

        browser.type("secret-store-password", "Sesame123");
        browser.type("secret-store-password-2", "Sesame123");
        browser.click("create-secret");
        console.waitForStatus("Secret \"console-db\" created.");
        WebElement row = console.row("secrets-list", "console-db");
        assertThat(cell(row, "Type")).isEqualTo("Username and password");
        assertThat(cell(row, "Storage")).isEqualTo("Store password");

        row.findElement(By.xpath(".//button[normalize-space()='Show value']")).click();
        browser.type("read-store-password", "Sesame123");
        browser.click("read-secret");
        assertThat(browser.byId("secret-value-username").getText()).isEqualTo("app");
        assertThat(browser.byId("secret-value-password").getText()).isEqualTo("tiger<&>\"");
        console.clickInDialog("Close");
        console.waitDialogClosed();
        assertThat(http.postForm("/api/v1/org/Default/secret/console-db/data", MYUSER, "storePassword", "Sesame123").body())
                .isEqualTo("{\"username\":\"app\",\"password\":\"tiger<&>\\\"\"}");
    }

    @Test
    void aWrongStorePasswordShowsTheErrorAndLeavesTheSecretUnread() throws Exception {
        http.postForm("/api/v1/org/Default/secret", MYUSER, "name", "console-guarded", "type", "data",
                "data", "the-guarded-value", "storePassword", "Sesame123");
        console.signIn("myuser", "mypwd");
        console.go("secrets");

        console.row("secrets-list", "console-guarded").findElement(By.xpath(".//button[normalize-space()='Show value']")).click();
        browser.type("read-store-password", "Wrong1234");
        browser.click("read-secret");

        assertThat(browser.waitForText(By.id("read-store-password-error"), "Invalid password")).isNotBlank();
        assertThat(browser.driver.findElements(By.id("secret-value"))).isEmpty();
        assertThat(console.pageTextAndValues()).doesNotContain("the-guarded-value");
        assertThat(browser.byId("read-store-password").getAttribute("aria-invalid")).isEqualTo("true");

        browser.type("read-store-password", "Sesame123");
        browser.click("read-secret");
        assertThat(browser.byId("secret-value").getText()).isEqualTo("the-guarded-value");
    }

    @Test
    void keyPairsOfEachTypeAreGeneratedAndSshKeygenAcceptsThem() throws Exception {
        browser.allowClipboard(console.origin());
        console.signIn("myuser", "mypwd");
        console.go("secrets");
        Map<String, String> expected = Map.of("ed25519", "(ED25519)", "rsa", "(RSA)", "ecdsa", "(ECDSA)");
        for (String type : new String[] {"ed25519", "rsa", "ecdsa"}) {
            String name = "console-" + type;
            console.createSecret(name, "key_pair", Map.of("secret-key-type", type));
            String publicKey = browser.byId("public-key-value").getText();
            console.clickInDialog("Copy public key");
            browser.waitForText(By.cssSelector("dialog[open] .copy-status"), "Copied");
            assertThat(browser.clipboard()).isEqualTo(publicKey);
            console.clickInDialog("Close");
            console.waitDialogClosed();

            String fingerprint = ConsolePages.fingerprint(work, publicKey);
            assertThat(fingerprint).endsWith(expected.get(type));
            if (type.equals("rsa")) {
                assertThat(fingerprint).startsWith("4096 ");
            }
            WebElement row = console.row("secrets-list", name);
            assertThat(cell(row, "Type")).isEqualTo("SSH key pair");
            row.findElement(By.xpath(".//button[normalize-space()='Public key']")).click();
            assertThat(browser.byId("public-key-value").getText()).isEqualTo(publicKey);
            console.clickInDialog("Close");
            console.waitDialogClosed();

            console.row("secrets-list", name).findElement(By.xpath(".//button[normalize-space()='Show value']")).click();
            String privateKey = browser.byId("secret-value-private").getText();
            assertThat(privateKey).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
            assertThat(ConsolePages.keyOnly(ConsolePages.publicKeyOf(work, privateKey))).isEqualTo(ConsolePages.keyOnly(publicKey));
            console.clickInDialog("Close");
            console.waitDialogClosed();
        }
    }

    @Test
    void anUploadedKeyPairKeepsItsKeys() throws Exception {
        Path privateFile = ConsolePages.newKeyPair(work);
        String publicKey = Files.readString(Path.of(privateFile + ".pub")).strip();
        console.signIn("myuser", "mypwd");
        console.go("secrets");
        browser.type("secret-name", "console-uploaded");
        console.choose("secret-type", "key_pair");
        console.choose("key-source", "upload");
        browser.byId("secret-public-file").sendKeys(privateFile + ".pub");
        browser.byId("secret-private-file").sendKeys(privateFile.toString());
        browser.waitFor(d -> d.findElement(By.id("secret-private")).getAttribute("value").contains("PRIVATE KEY"));
        browser.click("create-secret");

        assertThat(browser.byId("public-key-value").getText()).isEqualTo(publicKey);
        console.clickInDialog("Close");
        assertThat(json(http.get("/api/v1/org/Default/secret/console-uploaded/public", "Authorization", MYUSER))
                .get("publicKey").asText()).isEqualTo(publicKey);
        String storedPrivate = json(http.send("POST", "/api/v1/org/Default/secret/console-uploaded/data", null, null,
                "Authorization", MYUSER)).get("private").asText();
        assertThat(ConsolePages.keyOnly(ConsolePages.publicKeyOf(work, storedPrivate))).isEqualTo(ConsolePages.keyOnly(publicKey));
    }

    @Test
    void apiErrorsAreShownNextToTheFieldAndAGeneratedStorePasswordIsShownOnce() throws Exception {
        console.signIn("myuser", "mypwd");
        console.go("secrets");
        console.createSecret("console-once", "text", Map.of("secret-text", "v"));
        console.waitForStatus("created");
        console.createSecret("console-once", "text", Map.of("secret-text", "again"));
        assertThat(browser.waitForText(By.id("secret-name-error"), "already exists")).isNotBlank();

        console.choose("protection", "generate");
        console.createSecret("console-generated", "text", Map.of("secret-text", "protected"));
        String password = browser.byId("generated-password").getText();
        assertThat(console.dialog().getText()).contains("will not be shown again");
        console.clickInDialog("I have copied it, close");
        console.waitDialogClosed();
        assertThat(console.pageTextAndValues()).doesNotContain(password);
        assertThat(http.postForm("/api/v1/org/Default/secret/console-generated/data", MYUSER, "storePassword", password)
                .body()).isEqualTo("protected");
    }

    @Test
    void aSecretIsDeletedOnlyAfterConfirmation() throws Exception {
        http.postForm("/api/v1/org/Default/secret", MYUSER, "name", "console-doomed", "type", "data", "data", "x");
        console.signIn("myuser", "mypwd");
        console.go("secrets");

        console.row("secrets-list", "console-doomed").findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
        console.clickInDialog("Cancel");
        console.waitDialogClosed();
        assertThat(console.hasRow("secrets-list", "console-doomed")).isTrue();

        console.row("secrets-list", "console-doomed").findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
        console.clickInDialog("Delete secret");
        console.waitForStatus("deleted");
        assertThat(console.hasRow("secrets-list", "console-doomed")).isFalse();
        assertThat(http.send("POST", "/api/v1/org/Default/secret/console-doomed/data", null, null, "Authorization", MYUSER)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aSecretRestrictedToAProjectSaysSo() throws Exception {
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"restricted-project\"}", "Authorization", MYUSER);
        console.signIn("myuser", "mypwd");
        console.go("secrets");
        console.select("secret-project", "restricted-project");
        console.select("secret-visibility", "PUBLIC");
        console.createSecret("console-restricted", "text", Map.of("secret-text", "x"));
        console.waitForStatus("created");

        WebElement row = console.row("secrets-list", "console-restricted");
        assertThat(cell(row, "Project")).isEqualTo("restricted-project");
        assertThat(cell(row, "Visibility")).isEqualTo("Public");
        assertThat(http.get("/api/v1/org/Default/secret", "Authorization", MYUSER).body())
                .contains("\"name\":\"console-restricted\"").contains("\"visibility\":\"PUBLIC\"")
                .contains("\"projects\":[\"restricted-project\"]");
    }

    // --- encrypted strings ---------------------------------------------------------------

    @Test
    void encryptedStringIsCopiedAndDecryptedByAProcessOfItsProject() throws Exception {
        browser.allowClipboard(console.origin());
        console.signIn("bob", "Builder22");
        console.go("encrypt");
        // Create an org of bob's own, so that its empty project list is seen.
        http.postJson("/api/v1/org", "{\"name\":\"bobs-org\"}", "Authorization", BOB);
        browser.driver.navigate().to(console.origin() + "/console/#encrypt?org=bobs-org");
        assertThat(browser.waitForText(By.cssSelector(".empty"), "has no projects yet")).contains("bobs-org");
        browser.type("new-project", "deploy");
        browser.click("create-project");
        browser.byId("encrypt-project");
        assertThat(browser.byId("encrypt-project").getAttribute("value")).isEqualTo("deploy");

        browser.type("encrypt-value", "s3cr3t value");
        browser.click("encrypt");
        String line = browser.byId("encrypted-line").getText();
        assertThat(line).startsWith("${crypto.decryptString('").endsWith("')}");
        assertThat(browser.byId("encrypt-value").getAttribute("value")).as("the value is cleared").isEmpty();
        browser.click(By.xpath("//button[normalize-space()='Copy line']"));
        browser.waitForText(By.cssSelector("#encrypt-result .copy-status"), "Copied");
        String copied = browser.clipboard();
        assertThat(copied).isEqualTo(line);

        String body = "{\"org\":\"bobs-org\",\"project\":\"deploy\",\"log\":\"value=" + copied + "\"}";
        String process = json(http.postJson("/api/v1/process", body, "Authorization", BOB)).get("instanceId").asText();
        assertThat(http.get("/api/v1/process/" + process + "/log", "Authorization", BOB).body()).isEqualTo("value=s3cr3t value");
    }

    @Test
    void encryptingWithoutAProjectOrValueSaysWhatIsMissing() throws Exception {
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"second-project\"}", "Authorization", MYUSER);
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"third-project\"}", "Authorization", MYUSER);
        console.signIn("myuser", "mypwd");
        console.go("encrypt");
        browser.click("encrypt");
        assertThat(console.fieldError("encrypt-project")).isEqualTo("Choose the project whose processes will decrypt it.");
        console.select("encrypt-project", "second-project");
        browser.click("encrypt");
        assertThat(console.fieldError("encrypt-value")).isEqualTo("Paste the value to encrypt.");
    }

    // --- users ---------------------------------------------------------------------------

    @Test
    void adminCreatesAUserChangesRolesAndDisablesAndEnablesIt() throws Exception {
        console.signIn("alice", "Wonderland1");
        console.go("users");
        browser.type("new-username", "robot-ui");
        browser.type("new-display-name", "Robot of the console");
        browser.type("new-roles", "deployer");
        browser.click("create-user");
        console.waitForStatus("User robot-ui created.");
        WebElement row = console.row("users-list", "robot-ui");
        assertThat(cell(row, "Display name")).isEqualTo("Robot of the console");
        assertThat(cell(row, "Type")).isEqualTo("LOCAL");
        assertThat(cell(row, "Roles")).isEqualTo("deployer");
        assertThat(cell(row, "Status")).isEqualTo("Enabled");
        JsonNode created = json(http.get("/api/v1/user/robot-ui", "Authorization", admin));
        assertThat(created.get("roles").toString()).isEqualTo("[\"deployer\"]");

        String robotKey = json(http.postJson("/api/v1/apikey", "{\"username\":\"robot-ui\",\"name\":\"robot\"}",
                "Authorization", admin)).get("key").asText();
        assertThat(whoami(robotKey)).isEqualTo("robot-ui");

        row.findElement(By.xpath(".//button[normalize-space()='Roles']")).click();
        browser.type("edit-roles", "deployer, auditor");
        browser.click("save-roles");
        console.waitForStatus("Roles of robot-ui saved.");
        assertThat(cell(console.row("users-list", "robot-ui"), "Roles")).isEqualTo("auditor, deployer");
        assertThat(json(http.get("/api/v1/user/robot-ui", "Authorization", admin)).get("roles").toString())
                .isEqualTo("[\"auditor\",\"deployer\"]");
        assertThat(json(http.get("/api/service/console/whoami", "Authorization", robotKey)).get("roles").toString())
                .as("the key's identity has the new roles at once").isEqualTo("[\"auditor\",\"deployer\"]");

        console.row("users-list", "robot-ui").findElement(By.xpath(".//button[normalize-space()='Disable']")).click();
        console.clickInDialog("Disable user");
        console.waitForStatus("robot-ui disabled.");
        assertThat(cell(console.row("users-list", "robot-ui"), "Status")).isEqualTo("Disabled");
        assertThat(whoami(robotKey)).isEqualTo("HTTP 401");

        console.row("users-list", "robot-ui").findElement(By.xpath(".//button[normalize-space()='Enable']")).click();
        console.waitForStatus("robot-ui enabled.");
        assertThat(whoami(robotKey)).isEqualTo("robot-ui");

        console.row("users-list", "robot-ui").findElement(By.xpath(".//button[normalize-space()='API keys']")).click();
        assertThat(browser.byId("keys-owner-notice").getText()).isEqualTo("You are viewing the keys of robot-ui.");
        assertThat(console.hasRow("keys-list", "robot")).isTrue();
    }

    @Test
    void aNonAdminSeesNoAdminControlsAndTheApiRefusesThemAnyway() throws Exception {
        console.signIn("myuser", "mypwd");
        assertThat(browser.driver.findElements(By.id("nav-users"))).isEmpty();
        console.go("keys");
        assertThat(browser.driver.findElements(By.id("keys-owner"))).isEmpty();
        browser.driver.navigate().to(console.origin() + "/console/#users");
        browser.byId("view-keys");
        assertThat(browser.driver.findElements(By.id("users-list"))).isEmpty();
        browser.driver.navigate().to(console.origin() + "/console/#keys?user=alice");
        console.waitForList("keys-list");
        assertThat(browser.driver.findElements(By.id("keys-owner-notice"))).as("still myuser's own keys").isEmpty();

        String someone = json(http.get("/api/v1/user/myuser", "Authorization", admin)).get("id").asText();
        assertThat(http.get("/api/v1/user", "Authorization", MYUSER).statusCode()).isEqualTo(403);
        assertThat(http.postJson("/api/v1/user", "{\"username\":\"sneaky\",\"type\":\"LOCAL\",\"roles\":[\"admin\"]}",
                "Authorization", MYUSER).statusCode()).isEqualTo(403);
        assertThat(http.send("PUT", "/api/v1/user/" + someone + "/roles", "{\"roles\":[\"admin\"]}", "application/json",
                "Authorization", MYUSER).statusCode()).isEqualTo(403);
        assertThat(http.send("POST", "/api/v1/user/" + someone + "/disable", null, null, "Authorization", MYUSER)
                .statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/apikey?username=admin", "Authorization", MYUSER).statusCode()).isEqualTo(403);
        assertThat(http.postJson("/api/v1/apikey", "{\"username\":\"admin\"}", "Authorization", MYUSER).statusCode())
                .isEqualTo(403);
        assertThat(json(http.get("/api/v1/user/myuser", "Authorization", admin)).get("roles").toString()).isEqualTo("[]");
    }

    // --- values from the API are text ----------------------------------------------------

    @Test
    void namesAndValuesFromTheApiRenderAsTextNeverAsHtml() throws Exception {
        String img = "<img src=x onerror=alert(1)>";
        String script = "<script>alert(1)</script>";
        assertThat(http.postJson("/api/v1/user", "{\"username\":\"" + img + "\",\"type\":\"LOCAL\",\"displayName\":\""
                + script + "\",\"roles\":[\"<b>bold</b>\"]}", "Authorization", admin).statusCode()).isEqualTo(200);
        String key = json(http.postJson("/api/v1/apikey", "{\"username\":\"" + img + "\",\"name\":\"xss-key\"}",
                "Authorization", admin)).get("key").asText();
        assertThat(http.postForm("/api/v1/org/Default/secret", key, "name", "xss-probe", "type", "username_password",
                "username", "<img src=x onerror=alert(2)>", "password", script, "visibility", "PUBLIC").statusCode())
                .isEqualTo(200);

        console.signInWithKey(key);
        assertThat(browser.byId("who-name").getText()).isEqualTo(script);
        assertThat(browser.byId("who-username").getText()).isEqualTo(img);
        assertThat(browser.byId("who-roles").getText()).isEqualTo("<b>bold</b>");
        console.go("secrets");
        console.createSecret(img, "text", Map.of("secret-text", script));
        assertThat(browser.waitForText(By.id("secret-name-error"), "Invalid secret name")).contains("'" + img + "'");
        console.row("secrets-list", "xss-probe").findElement(By.xpath(".//button[normalize-space()='Show value']")).click();
        assertThat(browser.byId("secret-value-username").getText()).isEqualTo("<img src=x onerror=alert(2)>");
        assertThat(browser.byId("secret-value-password").getText()).isEqualTo(script);
        assertNoMarkupInjected();
        console.clickInDialog("Close");
        console.signOut();

        console.signIn("alice", "Wonderland1");
        console.go("users");
        WebElement row = console.row("users-list", img);
        assertThat(cell(row, "Display name")).isEqualTo(script);
        assertThat(cell(row, "Roles")).isEqualTo("<b>bold</b>");
        console.go("secrets");
        assertThat(cell(console.row("secrets-list", "xss-probe"), "Owner")).isEqualTo(img);
        assertNoMarkupInjected();
    }

    private void assertNoMarkupInjected() {
        browser.assertNoAlert();
        assertThat(browser.driver.findElements(By.cssSelector("img[src=x], main script, header script, dialog script, b")))
                .isEmpty();
    }

    // --- layout and labels ---------------------------------------------------------------

    @Test
    void everyScreenFitsA375PixelWindowAnd200PercentZoomWithEveryControlLabelled() throws Exception {
        http.postForm("/api/v1/org/Default/secret", basic("alice", "Wonderland1"), "name", "layout-secret", "type",
                "key_pair");
        newKey(basic("alice", "Wonderland1"), "layout-key");
        http.postJson("/api/v1/org/Default/project", "{\"name\":\"layout-project\"}", "Authorization", admin);
        for (int[] viewport : new int[][] {{375, 812, 1}, {640, 450, 2}}) {
            browser.viewport(viewport[0], viewport[1], viewport[2]);
            console.openConsole();
            assertThat(console.overflowing()).as("sign-in at " + viewport[0]).isEmpty();
            assertThat(console.unlabelledControls()).as("sign-in").isEmpty();
            console.signIn("alice", "Wonderland1");
            for (String view : new String[] {"keys", "secrets", "encrypt", "users"}) {
                console.go(view);
                assertThat(console.overflowing()).as(view + " at " + viewport[0] + " px").isEmpty();
                assertThat(console.unlabelledControls()).as(view).isEmpty();
            }
            console.go("secrets");
            for (String type : new String[] {"file", "username_password", "key_pair"}) {
                console.choose("secret-type", type);
                assertThat(console.unlabelledControls()).as("secret form, " + type).isEmpty();
            }
            console.choose("key-source", "upload");
            console.choose("protection", "password");
            assertThat(console.unlabelledControls()).as("secret form, upload with store password").isEmpty();
            assertThat(console.overflowing()).as("secret form at " + viewport[0]).isEmpty();
            console.row("secrets-list", "layout-secret").findElement(By.xpath(".//button[normalize-space()='Show value']")).click();
            console.dialog();
            assertThat(console.overflowing()).as("value dialog at " + viewport[0]).isEmpty();
            assertThat(console.unlabelledControls()).as("value dialog").isEmpty();
            console.clickInDialog("Close");
            console.signOut();
        }
    }
}
