package dev.gatehouse.examples.internal;

import dev.gatehouse.core.ConfigurationException;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.git.ClonedRepository;
import dev.gatehouse.secrets.git.GitAccessException;
import dev.gatehouse.secrets.git.GitClone;
import dev.gatehouse.secrets.git.GitRemote;
import dev.gatehouse.secrets.git.GitSecrets;
import dev.gatehouse.secrets.git.HostKeyPolicy;
import dev.gatehouse.secrets.git.KnownHosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting a process from its project's repository: a shallow clone with the repository's secret,
 * read as the process (so the secret's visibility, grants and project restriction apply), into
 * {@code <work folder>/repository}, and the process template from {@value #TEMPLATE} at the
 * repository's root. The clone is removed when the process ends ({@link #remove}). Thread-safe.
 */
public final class RepositoryCheckouts {

    /** The file at the repository root that holds the process's log template. */
    public static final String TEMPLATE = "gatehouse.template";
    /** The clone's folder inside the process's work folder. */
    public static final String CLONE_FOLDER = "repository";
    /** The largest template accepted, in bytes: the limit of a {@code log} given inline. */
    public static final int MAX_TEMPLATE = 64 * 1024;

    /** A checkout that failed: the status and reason the API answers with, and a message with no credential. */
    public static final class CheckoutFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String reason;

        CheckoutFailed(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        /** A stable code, e.g. {@code AUTHENTICATION_FAILED}. */
        public String reason() {
            return reason;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryCheckouts.class);

    private final ProjectRepositories repositories;
    private final GitSecrets git;
    private final KnownHosts configuredHosts;

    /** @param configuredHosts host keys trusted for every project (setting {@code git.knownHostsFile}) */
    public RepositoryCheckouts(ProjectRepositories repositories, GitSecrets git, KnownHosts configuredHosts) {
        this.repositories = repositories;
        this.git = git;
        this.configuredHosts = Objects.requireNonNull(configuredHosts, "configuredHosts");
    }

    /** The repository of {@code org/project}. @throws ApiException 404 if the project has none */
    public ProjectRepositories.Repository require(String org, String project) {
        return repositories.find(org, project)
                .orElseThrow(() -> ApiException.notFound("Project " + org + "/" + project + " has no repository"));
    }

    /**
     * Clones {@code repository} into {@code workDir} as {@code process} and returns the template.
     *
     * @throws CheckoutFailed for every Git, secret or template failure (the clone is removed)
     */
    public String checkout(ProjectRepositories.Repository repository, Caller process, Path workDir) {
        Path target = workDir.resolve(CLONE_FOLDER);
        try {
            GitRemote remote = GitRemote.parse(repository.url());
            KnownHosts known = configuredHosts.plus(KnownHosts.parse(repository.knownHosts()));
            HostKeyPolicy hostKeys = repository.trustOnFirstUse()
                    ? HostKeyPolicy.trustOnFirstUse(known, line -> repositories.recordHostKey(repository.projectId(), line))
                    : HostKeyPolicy.strict(known);
            GitClone.Builder clone = GitClone.of(remote).hostKeys(hostKeys);
            repository.branch().ifPresent(clone::ref);
            ClonedRepository cloned = git.clone(process, repository.org(), repository.secret(), clone.build(), target);
            return template(cloned);
        } catch (GitAccessException e) {
            remove(workDir);
            throw failure(e);
        } catch (SecretException e) {
            remove(workDir);
            ApiException api = SecretApi.translate(e);
            throw new CheckoutFailed(api.status(), "SECRET_" + e.kind().name(), api.getMessage());
        } catch (CheckoutFailed e) {
            remove(workDir);
            throw e;
        } catch (RuntimeException e) {
            remove(workDir);
            // JGit and the transport may put a URL or a server's text in a message: the type only
            LOG.warn("checking out the repository of {}/{} failed ({})", repository.org(), repository.project(),
                    e.getClass().getName());
            throw new CheckoutFailed(500, "CHECKOUT_FAILED", "Cannot check out the repository: internal error");
        }
    }

    /** Removes the clone of the process whose work folder is {@code workDir}, if there is one. */
    public void remove(Path workDir) {
        Path target = workDir.resolve(CLONE_FOLDER);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(target)) { // does not follow symbolic links
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the clone in " + workDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The host keys trusted for every project: the {@code known_hosts} file named by setting
     * {@code git.knownHostsFile}, or none.
     *
     * @throws ConfigurationException if the file cannot be read or has a broken line
     */
    public static KnownHosts knownHosts(Settings settings) {
        Optional<String> file = settings.get("git.knownHostsFile");
        try {
            return file.map(f -> KnownHosts.read(Path.of(f))).orElse(KnownHosts.none());
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ConfigurationException("git.knownHostsFile: " + e.getMessage());
        }
    }

    /** The template, read without following a symbolic link out of the clone. */
    private String template(ClonedRepository clone) {
        Path file = clone.directory().resolve(TEMPLATE);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw new CheckoutFailed(422, "TEMPLATE_MISSING", "Repository has no regular file " + TEMPLATE
                        + " at its root");
            }
            if (attrs.size() > MAX_TEMPLATE) {
                throw new CheckoutFailed(422, "TEMPLATE_TOO_LARGE", TEMPLATE + " is larger than " + MAX_TEMPLATE + " bytes");
            }
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                return new String(in.readNBytes(MAX_TEMPLATE), StandardCharsets.UTF_8);
            }
        } catch (NoSuchFileException e) {
            throw new CheckoutFailed(422, "TEMPLATE_MISSING", "Repository has no " + TEMPLATE + " at its root");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TEMPLATE + " of the clone: " + e.getMessage(), e);
        }
    }

    private static CheckoutFailed failure(GitAccessException e) {
        if (e instanceof GitAccessException.SecretNotReadable) {
            return new CheckoutFailed(403, "SECRET_NOT_READABLE", e.getMessage());
        }
        if (e instanceof GitAccessException.SchemeMismatch) {
            return new CheckoutFailed(400, "SCHEME_MISMATCH", e.getMessage());
        }
        if (e instanceof GitAccessException.InvalidRemote) {
            return new CheckoutFailed(400, "INVALID_REMOTE", e.getMessage());
        }
        String reason;
        if (e instanceof GitAccessException.AuthenticationFailed) {
            reason = "AUTHENTICATION_FAILED";
        } else if (e instanceof GitAccessException.RepositoryNotFound) {
            reason = "REPOSITORY_NOT_FOUND";
        } else if (e instanceof GitAccessException.RefNotFound) {
            reason = "REF_NOT_FOUND";
        } else if (e instanceof GitAccessException.HostUnreachable) {
            reason = "HOST_UNREACHABLE";
        } else if (e instanceof GitAccessException.HostKeyUnknown) {
            reason = "HOST_KEY_UNKNOWN";
        } else if (e instanceof GitAccessException.HostKeyChanged) {
            reason = "HOST_KEY_CHANGED";
        } else {
            reason = "TRANSFER_FAILED";
        }
        return new CheckoutFailed(422, reason, e.getMessage());
    }
}
