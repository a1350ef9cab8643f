package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** What the console's tests do in its pages, named after what a user does. */
final class ConsolePages {

    static final By OPEN_DIALOG = By.cssSelector("dialog[open]");

    private final Chromium b;
    private final String base;

    ConsolePages(Chromium browser, ExampleServer server) {
        this.b = browser;
        this.base = "http://127.0.0.1:" + server.port();
    }

    String origin() {
        return base;
    }

    void openConsole() {
        b.open(base + "/console/");
        b.byId("username");
    }

    void signIn(String username, String password) {
        openConsole();
        b.type("username", username);
        b.type("password", password);
        b.click("password-sign-in");
        b.byId("who-name");
    }

    void signInWithKey(String key) {
        openConsole();
        b.type("api-key", key);
        b.click("key-sign-in");
        b.byId("who-name");
    }

    void signOut() {
        b.click("sign-out");
        b.byId("username");
    }

    /** Opens a view from the navigation and waits until its list (if any) has loaded. */
    void go(String view) {
        b.click("nav-" + view);
        b.byId("view-" + view);
        String list = switch (view) {
            case "keys" -> "keys-list";
            case "secrets" -> "secrets-list";
            case "users" -> "users-list";
            default -> null;
        };
        if (list != null) {
            waitForList(list);
        }
    }

    void waitForList(String listId) {
        b.waitFor(d -> !d.findElements(By.cssSelector("#" + listId + " table, #" + listId + " .empty")).isEmpty()
                && d.findElements(By.cssSelector("[aria-busy=true]")).isEmpty());
    }

    /** The list row whose name cell reads exactly {@code name}. */
    WebElement row(String listId, String name) {
        waitForList(listId);
        return b.waitFor(d -> {
            for (WebElement r : d.findElements(By.cssSelector("#" + listId + " tbody tr"))) {
                if (r.findElement(By.cssSelector("td .name")).getText().equals(name)) {
                    return r;
                }
            }
            return null;
        });
    }

    boolean hasRow(String listId, String name) {
        waitForList(listId);
        return b.driver.findElements(By.cssSelector("#" + listId + " tbody tr td .name")).stream()
                .anyMatch(e -> e.getText().equals(name));
    }

    /** The cell of {@code row} under the column labelled {@code column}. */
    static String cell(WebElement row, String column) {
        return row.findElement(By.cssSelector("td[data-label='" + column + "']")).getText();
    }

    WebElement dialog() {
        return b.find(OPEN_DIALOG);
    }

    void clickInDialog(String buttonText) {
        b.click(By.xpath("//dialog[@open]//button[normalize-space()='" + buttonText + "']"));
    }

    /** Waits until the dialog is closed and its clean-up has run: the console then removes it from the page. */
    void waitDialogClosed() {
        b.waitFor(d -> d.findElements(By.tagName("dialog")).isEmpty());
    }

    /** The error line under the control with id {@code id}. */
    String fieldError(String id) {
        return b.find(By.id(id + "-error")).getText();
    }

    /** Picks {@code value} of the radio group {@code name}. */
    void choose(String name, String value) {
        b.click(By.cssSelector("input[type=radio][name='" + name + "'][value='" + value + "']"));
    }

    void select(String id, String value) {
        new org.openqa.selenium.support.ui.Select(b.byId(id)).selectByValue(value);
    }

    /** Creates a secret through the form: name, type (text, file, username_password, key_pair) and fields by id. */
    void createSecret(String name, String type, Map<String, String> fields) {
        b.type("secret-name", name);
        choose("secret-type", type);
        fields.forEach((id, value) -> {
            WebElement e = b.byId(id);
            if (e.getTagName().equals("select")) {
                select(id, value);
            } else if ("file".equals(e.getAttribute("type"))) {
                e.sendKeys(value);
            } else {
                e.clear();
                e.sendKeys(value);
            }
        });
        b.click("create-secret");
    }

    void waitForStatus(String text) {
        b.waitFor(d -> d.findElements(By.cssSelector(".status.ok, .status.error")).stream()
                .anyMatch(e -> e.getText().contains(text)));
    }

    /** The controls on the page that a screen reader could not name. */
    @SuppressWarnings("unchecked")
    List<String> unlabelledControls() {
        return new ArrayList<>((List<String>) b.js("""
                const bad = [];
                for (const el of document.querySelectorAll('input, select, textarea, button, a[href], summary')) {
                  if (el.type === 'hidden' || el.getClientRects().length === 0) continue;
                  let name = el.getAttribute('aria-label') || '';
                  if (el.labels) for (const l of el.labels) name += l.textContent;
                  const by = el.getAttribute('aria-labelledby');
                  if (by) for (const id of by.split(' ')) name += (document.getElementById(id) || {}).textContent || '';
                  if (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName)) name += el.textContent;
                  if (!name.trim()) bad.push(el.outerHTML.slice(0, 160));
                }
                return bad;"""));
    }

    /** Whether the page is wider than the window, or some visible control sticks out of it. */
    @SuppressWarnings("unchecked")
    List<String> overflowing() {
        return new ArrayList<>((List<String>) b.js("""
                const out = [];
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth > width + 1) out.push('page is ' + document.documentElement.scrollWidth + 'px wide in a ' + width + 'px window');
                for (const el of document.querySelectorAll('input, select, textarea, button, a[href], h1, h2, p, td, code, pre')) {
                  const r = el.getBoundingClientRect();
                  if (el.getClientRects().length && el.closest('dialog:not([open])') === null && (r.right > width + 1 || r.left < -1))
                    out.push(el.tagName + '#' + el.id + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
                }
                return out;"""));
    }

    /** Everything the page shows or holds in its form fields, for "is this value on the page" checks. */
    String pageTextAndValues() {
        return (String) b.js("""
                let all = document.documentElement.outerHTML;
                for (const el of document.querySelectorAll('input, textarea')) all += '\\n' + el.value;
                return all;""");
    }

    /** {@code ssh-keygen -l -f} of a public key: "bits SHA256:... comment (TYPE)". */
    static String fingerprint(Path dir, String publicKey) throws IOException, InterruptedException {
        Path f = Files.createTempFile(dir, "key", ".pub");
        Files.writeString(f, publicKey + "\n");
        return sshKeygen(List.of("ssh-keygen", "-l", "-f", f.toString()));
    }

    /** {@code ssh-keygen -y -f} of a private key: its public key, "type base64". */
    static String publicKeyOf(Path dir, String privateKey) throws IOException, InterruptedException {
        Path f = Files.createTempFile(dir, "key", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, privateKey.endsWith("\n") ? privateKey : privateKey + "\n");
        return sshKeygen(List.of("ssh-keygen", "-y", "-f", f.toString()));
    }

    /** "type base64" of an OpenSSH public key line, without its comment. */
    static String keyOnly(String publicKey) {
        String[] parts = publicKey.strip().split(" ");
        return parts[0] + " " + parts[1];
    }

    /** A new ed25519 key pair made by ssh-keygen in {@code dir}: the private key's path. */
    static Path newKeyPair(Path dir) throws IOException, InterruptedException {
        Path f = dir.resolve("uploaded_ed25519");
        sshKeygen(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "uploaded@test", "-f", f.toString()));
        return f;
    }

    private static String sshKeygen(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Services.unavailable("ssh-keygen (package openssh-client)", e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
