package dev.gatehouse.examples.internal;

import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Authorization;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.process.CryptoTask;
import dev.gatehouse.secrets.process.ExpressionException;
import dev.gatehouse.secrets.process.ProcessContext;
import dev.gatehouse.secrets.process.ProcessExpressions;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.session.SessionTokens;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small stand-in for a workflow engine, so that session tokens, encrypted strings and the crypto
 * task can be seen working. A process runs as its caller, renders its {@code log} template once
 * with {@code crypto} and {@code processInfo} in scope, keeps the output and stays RUNNING until
 * it is finished or cancelled (which ends its session token).
 *
 * <p>A template whose evaluation fails in any way, an {@link Error} such as
 * {@link StackOverflowError} or {@link OutOfMemoryError} included, ends its process FAILED with a
 * message in the process's log, and the start request is answered 422 with that message and the
 * process id. The server's own log names only the process and the exception's class: an
 * exception's message may quote a decrypted value or the template. The files a process exported
 * are deleted when it ends, whatever its final status.
 */
public final class ProcessApi {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessApi.class);
    private static final int MAX_TEMPLATE = 64 * 1024;
    /** The most characters a process's log may hold; a longer output fails the process. */
    static final int MAX_LOG = 1024 * 1024;

    private final Processes processes;
    private final SessionTokens tokens;
    private final SecretManager secrets;
    private final Orgs orgs;
    private final OrgApi orgApi;
    private final UserDirectory users;
    private final Function<Identity, Caller> callers;
    private final WorkFolders work;
    private final RepositoryCheckouts checkouts;

    public ProcessApi(Processes processes, SessionTokens tokens, SecretManager secrets, Orgs orgs, OrgApi orgApi,
            UserDirectory users, Function<Identity, Caller> callers, Path workRoot, RepositoryCheckouts checkouts) {
        this.checkouts = checkouts;
        this.processes = processes;
        this.tokens = tokens;
        this.secrets = secrets;
        this.orgs = orgs;
        this.orgApi = orgApi;
        this.users = users;
        this.callers = callers;
        this.work = new WorkFolders(workRoot);
    }

    public void register(Router router) {
        router.route("POST", "/api/v1/process", this::start)
                .route("GET", "/api/v1/process/{id}", this::get)
                .route("GET", "/api/v1/process/{id}/log", this::log)
                .route("POST", "/api/v1/process/{id}/finish", call -> end(call, "FINISHED"))
                .route("DELETE", "/api/v1/process/{id}", call -> end(call, "CANCELLED"));
    }

    /**
     * Deletes the work folders of processes that are in a final status or were never committed
     * (ended on another node, or left by a crash); run at start-up and now and then.
     */
    public void sweepWorkFolders() {
        work.sweep(id -> {
            if (processes.isStarting(id)) {
                return false;
            }
            try {
                return processes.record(id).map(r -> processes.isFinal(r.status())).orElse(true);
            } catch (RuntimeException e) {
                return false; // the database is away: try again next time
            }
        });
    }

    private Object start(Router.Call call) throws IOException {
        call.caller(Permission.PROCESS_START);
        Identity caller = call.caller();
        ObjectNode body = call.json();
        String org = UserApi.text(body, "org").orElse(Orgs.DEFAULT_ORG);
        Optional<String> project = UserApi.text(body, "project");
        String template = UserApi.text(body, "log").orElse("");
        boolean fromRepository = body.path("fromRepository").asBoolean(false);
        if (fromRepository && body.hasNonNull("log")) {
            throw ApiException.badRequest("Give either 'log' or 'fromRepository', not both");
        }
        if (template.length() > MAX_TEMPLATE) {
            throw ApiException.badRequest("'log' is longer than " + MAX_TEMPLATE + " characters");
        }
        orgApi.requireMember(caller, org);
        if (project.isPresent() && !orgs.projectExists(org, project.get())) {
            throw ApiException.notFound("Project not found: " + org + "/" + project.get());
        }
        Optional<ProjectRepositories.Repository> repository = !fromRepository ? Optional.empty() : Optional.of(checkouts
                .require(org, project.orElseThrow(() -> ApiException.badRequest("'fromRepository' needs a 'project'"))));
        UUID id = UUID.randomUUID();
        ProcessRef ref = new ProcessRef(id, org, project);
        Optional<String> failure;
        Optional<RepositoryCheckouts.CheckoutFailed> checkoutFailure = Optional.empty();
        Processes.Starting pending = processes.starting(ref, caller.userId());
        try {
            Path workDir = work.create(id);
            String output;
            try {
                if (repository.isPresent()) {
                    // The template comes from the project's repository, cloned with its secret as the process.
                    template = checkouts.checkout(repository.get(), callers.apply(caller).inProcess(ref), workDir);
                }
                output = render(ref, caller, workDir, template);
                failure = output.length() > MAX_LOG
                        ? Optional.of("the log would be longer than " + MAX_LOG + " characters") : Optional.empty();
            } catch (RepositoryCheckouts.CheckoutFailed e) {
                checkoutFailure = Optional.of(e);
                failure = Optional.of(e.getMessage()); // names the repository and what failed, never a credential
                LOG.info("process {} failed: checkout {}", id, e.reason());
                output = "";
            } catch (Throwable t) { // NOPMD: an Error from the evaluation is the process's failure, not the server's
                rethrowOutage(t);
                failure = Optional.of(describe(t));
                LOG.info("process {} failed: {}", id, t.getClass().getName());
                output = "";
            }
            if (failure.isPresent()) {
                output = "ERROR: " + failure.get();
            }
            try {
                processes.insert(ref, caller.userId(), failure.isPresent() ? Processes.FAILED : Processes.RUNNING,
                        output);
            } finally {
                if (failure.isPresent()) {
                    work.delete(id);
                }
            }
        } catch (RuntimeException | IOException e) {
            work.delete(id); // the database refused the row: nothing of the process may stay
            throw e;
        } finally {
            pending.close();
        }
        if (checkoutFailure.isPresent()) {
            throw new ApiException(checkoutFailure.get().status(), failure.get())
                    .with("reason", checkoutFailure.get().reason()).with("instanceId", id.toString())
                    .with("status", Processes.FAILED);
        }
        if (failure.isPresent()) {
            throw new ApiException(422, "Process failed: " + failure.get()).with("instanceId", id.toString())
                    .with("status", Processes.FAILED);
        }
        return Router.JSON.createObjectNode().put("ok", true).put("instanceId", id.toString());
    }

    private String render(ProcessRef ref, Identity caller, Path workDir, String template) {
        ProcessInfo info = tokens.processInfo(ref.id());
        // The crypto task's reads name the process through its caller; its decryptions through this.
        SecretManager forProcess = secrets instanceof AuditedSecretManager audited ? audited.forProcess(ref) : secrets;
        CryptoTask crypto = new CryptoTask(forProcess, new ProcessContext(ref, workDir, callers.apply(caller).inProcess(ref),
                orgs::projectExists));
        return new ProcessExpressions(info, crypto).render(template);
    }

    /** A backend that did not answer is the server's trouble (503), not the process's failure. */
    private static void rethrowOutage(Throwable t) {
        if (t instanceof SecretException s && s.kind() == SecretException.Kind.KEY_UNAVAILABLE) {
            throw SecretApi.translate(s);
        }
        if (t instanceof RuntimeException e && Router.cause(e, BackendUnavailableException.class) != null) {
            throw e;
        }
    }

    /** What went wrong, for the process's log: never an exception's own text, which may quote a value. */
    private static String describe(Throwable t) {
        if (t instanceof SecretException s) {
            return s.getMessage(); // the secrets module's messages name secrets and projects, never values
        }
        if (t instanceof ExpressionException e) {
            return e.getMessage(); // what failed and where (offset, call), never a value or the template
        }
        if (t instanceof StackOverflowError) {
            return "the template nests or recurses too deeply";
        }
        if (t instanceof OutOfMemoryError) {
            return "the template's output is too large";
        }
        if (t instanceof NumberFormatException || t instanceof ClassCastException || t instanceof ArithmeticException) {
            return "an operation in the template was given a value of the wrong type";
        }
        if (t instanceof IllegalArgumentException) {
            return "the template does not parse, or uses something that is not in scope";
        }
        return "the template could not be evaluated (" + t.getClass().getSimpleName() + ")";
    }

    /**
     * The process {@code idText} if the caller may see it: its initiator, an admin, or the process
     * itself. An identity acting for a process sees that process only ({@link Permission#PROCESS_SELF}),
     * whatever its user may see.
     */
    private Processes.Record visible(Identity caller, String idText) {
        UUID id = UserApi.id(idText);
        if (caller.process().isPresent()) {
            Authorization.require(caller, Permission.PROCESS_SELF);
            if (!caller.process().get().id().equals(id)) {
                throw ApiException.notFound("Process not found: " + idText);
            }
        }
        Processes.Record process = processes.record(id)
                .orElseThrow(() -> ApiException.notFound("Process not found: " + idText));
        boolean own = process.initiator().equals(caller.userId())
                || caller.process().map(p -> p.id().equals(id)).orElse(false);
        if (!own && !caller.hasRole("admin")) {
            throw ApiException.notFound("Process not found: " + idText);
        }
        return process;
    }

    private Object get(Router.Call call) {
        Processes.Record process = visible(call.caller(), call.param(0));
        String initiator = users.findById(process.initiator()).map(User::username).orElse(null);
        return Router.JSON.createObjectNode().put("instanceId", process.process().id().toString())
                .put("status", process.status()).put("initiator", initiator).put("org", process.process().org())
                .put("project", process.process().project().orElse(null));
    }

    private Object log(Router.Call call) throws IOException {
        Processes.Record process = visible(call.caller(), call.param(0));
        String log = processes.log(process.process().id()).orElse("");
        HttpServletResponse resp = call.response();
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(log.getBytes(StandardCharsets.UTF_8));
        return null;
    }

    private Object end(Router.Call call, String status) {
        Processes.Record process = visible(call.caller(), call.param(0));
        UUID id = process.process().id();
        switch (processes.end(id, status)) {
            case NOT_FOUND -> throw ApiException.notFound("Process not found: " + call.param(0));
            case ALREADY_FINAL -> {
                work.delete(id);
                throw ApiException.conflict("Process is already "
                        + processes.record(id).map(Processes.Record::status).orElse("ended"));
            }
            case ENDED -> work.delete(id);
        }
        return Router.JSON.createObjectNode().put("ok", true).put("instanceId", id.toString()).put("status", status);
    }
}
