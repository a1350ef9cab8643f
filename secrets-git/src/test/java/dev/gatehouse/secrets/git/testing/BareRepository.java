package dev.gatehouse.secrets.git.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A bare repository made with the {@code git} binary ({@code git init --bare}), with commits
 * pushed into it from a scratch working copy, also with the binary. The library under test never
 * sets up a repository. Not thread-safe.
 */
public final class BareRepository {

    private final Path git;
    private final Path path;
    private final Path work;
    private final Map<String, String> env;
    private final Set<String> branches = new HashSet<>();

    private BareRepository(Path git, Path path, Path work, Map<String, String> env) {
        this.git = git;
        this.path = path;
        this.work = work;
        this.env = env;
    }

    /**
     * {@code git init --bare -b main <parent>/<name>.git}, and a working copy beside it; skips the
     * test (fails it in CI) if git is missing.
     */
    public static BareRepository create(Path parent, String name) {
        Path git = Commands.require("git", "git");
        Path home = parent.resolve(".git-home");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = Map.of("HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1",
                "GIT_AUTHOR_NAME", "Test", "GIT_AUTHOR_EMAIL", "test@example.org",
                "GIT_COMMITTER_NAME", "Test", "GIT_COMMITTER_EMAIL", "test@example.org", "GIT_TERMINAL_PROMPT", "0");
        Path bare = parent.resolve(name + ".git");
        Path work = parent.resolve(".work-" + name);
        Commands.run(parent, env, git.toString(), "init", "-q", "--bare", "-b", "main", bare.toString());
        Commands.run(parent, env, git.toString(), "init", "-q", "-b", "main", work.toString());
        Commands.run(work, env, git.toString(), "remote", "add", "origin", bare.toString());
        return new BareRepository(git, bare, work, env);
    }

    /** The bare repository's folder (ends in {@code .git}). */
    public Path path() {
        return path;
    }

    /**
     * Writes {@code files} (path, content) on {@code branch} (created from the current branch if
     * new), commits and pushes; returns the new commit's id.
     */
    public String commit(String branch, Map<String, String> files, String message) {
        if (!branches.isEmpty() && !branches.contains(branch)) {
            git("checkout", "-q", "-b", branch);
        } else if (!branches.isEmpty()) {
            git("checkout", "-q", branch);
        }
        branches.add(branch);
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = work.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                // Never write through a symbolic link an earlier commit left in the working copy.
                if (Files.isSymbolicLink(p)) {
                    Files.delete(p);
                }
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("add", "-A");
        git("commit", "-q", "-m", message);
        git("push", "-q", "origin", branch);
        return git("rev-parse", "HEAD").strip();
    }

    /**
     * Commits a symbolic link {@code name} -> {@code target} on {@code branch} and pushes it. Point
     * it at a file of the test's own: it is only ever created, never written through.
     */
    public String commitLink(String branch, String name, String target, String message) {
        if (!branches.contains(branch)) {
            git("checkout", "-q", "-b", branch);
        } else {
            git("checkout", "-q", branch);
        }
        branches.add(branch);
        try {
            Path link = work.resolve(name);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("add", "-A");
        git("commit", "-q", "-m", message);
        git("push", "-q", "origin", branch);
        return git("rev-parse", "HEAD").strip();
    }

    /** Tags the head of {@code branch} with {@code tag} and pushes the tag. */
    public void tag(String branch, String tag) {
        git("tag", tag, branch);
        git("push", "-q", "origin", tag);
    }

    /** Runs git in the bare repository, e.g. {@code rev-parse main}. */
    public String inBare(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = git.toString();
        cmd[1] = "--git-dir";
        cmd[2] = path.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Commands.run(path.getParent(), env, cmd);
    }

    private String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = git.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Commands.run(work, env, cmd);
    }
}
