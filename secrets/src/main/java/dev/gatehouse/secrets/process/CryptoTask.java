package dev.gatehouse.secrets.process;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretException.Kind;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@code crypto} task of a process: exports secrets and works with encrypted strings on the
 * process's behalf. Secrets are read as the process's caller acting for the process, so the access
 * policy (including project restrictions) applies; encrypted strings use the process's project.
 *
 * <p>Store passwords are strings here because flows pass them as expression literals; {@code null}
 * or an empty string means "no store password". Exported files are created owner-only
 * ({@code rw-------}) in the work directory with random names, never replacing an existing file.
 * Thread-safe.
 */
public final class CryptoTask {

    /** The message when a process outside any project tries to encrypt a string. */
    public static final String NO_PROJECT_ENCRYPT =
            "The process must run in a project in order to be able to encrypt strings.";
    /** The message when a process outside any project tries to decrypt a string. */
    public static final String NO_PROJECT_DECRYPT =
            "The process must run in a project in order to be able to decrypt strings.";

    private final SecretManager secrets;
    private final ProcessContext context;
    private final Caller caller;

    /** A task for the process of {@code context}. */
    public CryptoTask(SecretManager secrets, ProcessContext context) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.context = Objects.requireNonNull(context, "context");
        this.caller = context.caller().inProcess(context.process());
    }

    private SecretValue read(String org, String name, String password) {
        if (password == null || password.isEmpty()) {
            return secrets.read(caller, org, name);
        }
        return secrets.read(caller, org, name, password.toCharArray());
    }

    private static SecretException wrongType(String org, String name, SecretValue v, String expected) {
        return new SecretException(Kind.INVALID_INPUT, "Secret " + org + "/" + name + " is " + v.type() + ", not " + expected);
    }

    /**
     * A DATA secret as a UTF-8 string.
     *
     * @throws SecretException INVALID_INPUT if it is another type or not valid UTF-8 (use {@link #exportAsFile})
     */
    public String exportAsString(String org, String name, String password) {
        SecretValue v = read(org, name, password);
        try {
            if (!(v instanceof SecretValue.Data d)) {
                throw wrongType(org, name, v, "DATA");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(d.bytes())).toString();
            } catch (CharacterCodingException e) {
                throw new SecretException(Kind.INVALID_INPUT, "Secret " + org + "/" + name
                        + " is binary, not UTF-8 text: export it as a file");
            }
        } finally {
            v.wipe();
        }
    }

    /** A USERNAME_PASSWORD secret. */
    public ExportedCredentials exportCredentials(String org, String name, String password) {
        SecretValue v = read(org, name, password);
        try {
            if (!(v instanceof SecretValue.UsernamePassword up)) {
                throw wrongType(org, name, v, "USERNAME_PASSWORD");
            }
            return new ExportedCredentials(up.username(), new String(up.password()));
        } finally {
            v.wipe();
        }
    }

    /** Writes a KEY_PAIR secret's halves into two owner-only files in the work directory. */
    public KeyFiles exportKeyAsFile(String org, String name, String password) {
        SecretValue v = read(org, name, password);
        try {
            if (!(v instanceof SecretValue.KeyPair kp)) {
                throw wrongType(org, name, v, "KEY_PAIR");
            }
            String base = "key-" + UUID.randomUUID();
            Path priv = write(base, kp.privateKey());
            Path pub = write(base + ".pub", (kp.publicKey() + "\n").getBytes(StandardCharsets.UTF_8));
            return new KeyFiles(pub, priv);
        } finally {
            v.wipe();
        }
    }

    /** Writes a DATA secret into an owner-only file in the work directory and returns its path. */
    public Path exportAsFile(String org, String name, String password) {
        SecretValue v = read(org, name, password);
        try {
            if (!(v instanceof SecretValue.Data d)) {
                throw wrongType(org, name, v, "DATA");
            }
            return write("file-" + UUID.randomUUID(), d.bytes());
        } finally {
            v.wipe();
        }
    }

    private Path write(String fileName, byte[] content) {
        Path f = context.workDir().resolve(fileName);
        try {
            FileAttribute<?>[] attrs = f.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            Files.createFile(f, attrs);
            Files.write(f, content);
            return f.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + f + " in the process's work directory", e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Encrypts {@code value} for the process's project.
     *
     * @throws SecretException INVALID_INPUT ("{@value #NO_PROJECT_ENCRYPT}") if the process has no project
     */
    public String encryptString(String value) {
        ProcessRef p = context.process();
        String project = p.project().orElseThrow(() -> new SecretException(Kind.INVALID_INPUT, NO_PROJECT_ENCRYPT));
        return secrets.encryptedStrings().encrypt(p.org(), project, value);
    }

    /**
     * Encrypts {@code value} for a project, which the caller must be allowed into (the process's own
     * org, an org the caller is a member of, or any org for admins) and which must exist: the
     * process's own project, or one the host's {@link ProcessContext#knownProjects()} knows. With no
     * {@link KnownProjects} given, only the process's own project is known.
     *
     * @throws SecretException ACCESS_DENIED for an org the caller is not in; NOT_FOUND ("Project not
     *     found: org/project") for a project that does not exist; INVALID_INPUT for an invalid name
     */
    public String encryptString(String org, String project, String value) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(project, "project");
        ProcessRef p = context.process();
        if (!caller.admin() && !caller.orgs().contains(org) && !p.org().equals(org)) {
            throw new SecretException(Kind.ACCESS_DENIED, "Not allowed to encrypt strings for organisation " + org);
        }
        boolean own = p.org().equals(org) && p.project().map(project::equals).orElse(false);
        if (!own && !context.knownProjects().exists(org, project)) {
            throw new SecretException(Kind.NOT_FOUND, "Project not found: " + org + "/" + project);
        }
        return secrets.encryptedStrings().encrypt(org, project, value);
    }

    /**
     * Decrypts a string encrypted for the process's project.
     *
     * @throws SecretException INVALID_INPUT ("{@value #NO_PROJECT_DECRYPT}") without a project, or if the
     *     value is not an encrypted string; ACCESS_DENIED if it belongs to another project; CORRUPTED if modified
     */
    public String decryptString(String value) {
        ProcessRef p = context.process();
        String project = p.project().orElseThrow(() -> new SecretException(Kind.INVALID_INPUT, NO_PROJECT_DECRYPT));
        return secrets.encryptedStrings().decrypt(p.org(), project, value);
    }

    @Override
    public String toString() {
        return "CryptoTask[process=" + context.process().id() + "]";
    }
}
