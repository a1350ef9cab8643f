package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.CryptoTask;
import dev.gatehouse.secrets.ProcessContext;
import dev.gatehouse.secrets.ProcessExpressions;
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
 * <p>A process is written once, whole (status, initiator, log) in one statement after its
 * template was rendered; see {@link Processes}.
 */
public final class ProcessApi {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessApi.class);
    private static final int MAX_LOG = 64 * 1024;

    private final Processes processes;
    private final SessionTokens tokens;
    private final SecretManager secrets;
    private final Orgs orgs;
    private final OrgApi orgApi;
    private final UserDirectory users;
    private final Function<Identity, Caller> callers;
    private final WorkFolders work;

    public ProcessApi(Processes processes, SessionTokens tokens, SecretManager secrets, Orgs orgs, OrgApi orgApi,
            UserDirectory users, Function<Identity, Caller> callers, Path workRoot) {
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

    private Object start(Router.Call call) throws IOException {
        Identity caller = call.caller();
        ObjectNode body = call.json();
        String org = UserApi.text(body, "org").orElse(Orgs.DEFAULT_ORG);
        Optional<String> project = UserApi.text(body, "project");
        String template = UserApi.text(body, "log").orElse("");
        if (template.length() > MAX_LOG) {
            throw ApiException.badRequest("'log' is longer than " + MAX_LOG + " characters");
        }
        orgApi.requireMember(caller, org);
        if (project.isPresent() && !orgs.projectExists(org, project.get())) {
            throw ApiException.notFound("Project not found: " + org + "/" + project.get());
        }
        UUID id = UUID.randomUUID();
        ProcessRef ref = new ProcessRef(id, org, project);
        Processes.Starting pending = processes.starting(ref, caller.userId());
        try {
            Path workDir = work.create(id);
            String output;
            String status = Processes.RUNNING;
            try {
                output = render(ref, caller, workDir, template);
            } catch (RuntimeException e) {
                // A failed expression is the process's failure, shown in its log, not the server's.
                if (Router.outage(e).isPresent()) {
                    throw e;
                }
                output = "ERROR: " + e.getMessage();
                status = Processes.FAILED;
                LOG.info("process {} failed: {}", id, e.toString());
            }
            processes.insert(ref, caller.userId(), status, output);
        } catch (RuntimeException | IOException e) {
            work.delete(id); // the database refused the row: nothing of the process may stay
            throw e;
        } finally {
            pending.close();
        }
        return Router.JSON.createObjectNode().put("ok", true).put("instanceId", id.toString());
    }

    private String render(ProcessRef ref, Identity caller, Path workDir, String template) {
        ProcessInfo info = tokens.processInfo(ref.id());
        CryptoTask crypto = new CryptoTask(secrets, new ProcessContext(ref, workDir, callers.apply(caller).inProcess(ref)));
        return new ProcessExpressions(info, crypto).render(template);
    }

    private Processes.Record visible(Identity caller, String idText) {
        UUID id = UserApi.id(idText);
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
            case ALREADY_FINAL -> throw ApiException.conflict("Process is already "
                    + processes.record(id).map(Processes.Record::status).orElse("ended"));
            case ENDED -> {
                // the process's session tokens are refused from now on, on every node
            }
        }
        return Router.JSON.createObjectNode().put("ok", true).put("instanceId", id.toString()).put("status", status);
    }
}
