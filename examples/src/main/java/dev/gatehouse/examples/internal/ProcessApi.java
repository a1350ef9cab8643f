package dev.gatehouse.examples.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.core.ProcessInfo;
import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.secrets.CryptoTask;
import dev.gatehouse.secrets.ProcessContext;
import dev.gatehouse.secrets.ProcessExpressions;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.session.ProcessState;
import dev.gatehouse.session.ProcessStore;
import dev.gatehouse.session.SessionTokens;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small stand-in for a workflow engine, so that session tokens, encrypted strings and the crypto
 * task can be seen working. A process runs as its caller, renders its {@code log} template once
 * with {@code crypto} and {@code processInfo} in scope, keeps the output and stays RUNNING until
 * it is finished or cancelled (which ends its session token).
 */
public final class ProcessApi {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessApi.class);
    private static final int MAX_LOG = 64 * 1024;

    private final DataSource db;
    private final ProcessStore processes;
    private final SessionTokens tokens;
    private final SecretManager secrets;
    private final Orgs orgs;
    private final OrgApi orgApi;
    private final UserDirectory users;
    private final Function<Identity, dev.gatehouse.secrets.Caller> callers;
    private final Path workRoot;
    private final RepositoryCheckouts checkouts;

    public ProcessApi(DataSource db, ProcessStore processes, SessionTokens tokens, SecretManager secrets, Orgs orgs,
            OrgApi orgApi, UserDirectory users, Function<Identity, dev.gatehouse.secrets.Caller> callers, Path workRoot,
            RepositoryCheckouts checkouts) {
        this.db = db;
        this.processes = processes;
        this.tokens = tokens;
        this.secrets = secrets;
        this.orgs = orgs;
        this.orgApi = orgApi;
        this.users = users;
        this.callers = callers;
        this.workRoot = workRoot;
        this.checkouts = checkouts;
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
        boolean fromRepository = body.path("fromRepository").asBoolean(false);
        if (fromRepository && body.hasNonNull("log")) {
            throw ApiException.badRequest("Give either 'log' or 'fromRepository', not both");
        }
        if (template.length() > MAX_LOG) {
            throw ApiException.badRequest("'log' is longer than " + MAX_LOG + " characters");
        }
        orgApi.requireMember(caller, org);
        if (project.isPresent() && !orgs.projectExists(org, project.get())) {
            throw ApiException.notFound("Project not found: " + org + "/" + project.get());
        }
        Optional<ProjectRepositories.Repository> repository = !fromRepository ? Optional.empty() : Optional.of(checkouts
                .require(org, project.orElseThrow(() -> ApiException.badRequest("'fromRepository' needs a 'project'"))));
        UUID id = UUID.randomUUID();
        ProcessRef ref = new ProcessRef(id, org, project);
        processes.register(ref, caller.userId(), "RUNNING");
        ProcessInfo info = tokens.processInfo(id);
        if (!Files.isDirectory(workRoot)) {
            Files.createDirectories(workRoot);
            Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx------"));
        }
        Path workDir = Files.createDirectory(workRoot.resolve(id.toString()),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        CryptoTask crypto = new CryptoTask(secrets, new ProcessContext(ref, workDir, callers.apply(caller).inProcess(ref)));
        if (repository.isPresent()) {
            try {
                template = checkouts.checkout(repository.get(), callers.apply(caller).inProcess(ref), workDir);
            } catch (RepositoryCheckouts.CheckoutFailed e) {
                processes.updateStatus(id, "FAILED");
                saveLog(id, caller.userId(), "ERROR: " + e.getMessage());
                LOG.info("process {} failed: {}", id, e.getMessage());
                Router.write(call.response(), e.status(), Router.error(e.getMessage()).put("reason", e.reason())
                        .put("instanceId", id.toString()));
                return null;
            }
        }
        String output;
        try {
            output = new ProcessExpressions(info, crypto).render(template);
        } catch (RuntimeException e) {
            // A failed expression is the process's failure, shown in its log, not the server's.
            output = "ERROR: " + e.getMessage();
            processes.updateStatus(id, "FAILED");
            checkouts.remove(workDir);
            LOG.info("process {} failed: {}", id, e.toString());
        }
        saveLog(id, caller.userId(), output);
        return Router.JSON.createObjectNode().put("ok", true).put("instanceId", id.toString());
    }

    private ProcessState visible(Identity caller, String idText) {
        UUID id = UserApi.id(idText);
        ProcessState state = processes.find(id).orElseThrow(() -> ApiException.notFound("Process not found: " + idText));
        boolean own = initiator(id).map(caller.userId()::equals).orElse(false)
                || caller.process().map(p -> p.id().equals(id)).orElse(false);
        if (!own && !caller.hasRole("admin")) {
            throw ApiException.notFound("Process not found: " + idText);
        }
        return state;
    }

    private Object get(Router.Call call) {
        ProcessState state = visible(call.caller(), call.param(0));
        String initiator = initiator(state.processId()).flatMap(users::findById).map(User::username).orElse(null);
        return Router.JSON.createObjectNode().put("instanceId", state.processId().toString())
                .put("status", state.status()).put("initiator", initiator).put("org", state.process().org())
                .put("project", state.process().project().orElse(null));
    }

    private Object log(Router.Call call) throws IOException {
        ProcessState state = visible(call.caller(), call.param(0));
        String log = query("SELECT log FROM ex_process_logs WHERE instance_id = ?", state.processId()).orElse("");
        HttpServletResponse resp = call.response();
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(log.getBytes(StandardCharsets.UTF_8));
        return null;
    }

    private Object end(Router.Call call, String status) {
        ProcessState state = visible(call.caller(), call.param(0));
        if (processes.isFinal(state.status())) {
            throw ApiException.conflict("Process is already " + state.status());
        }
        processes.updateStatus(state.processId(), status);
        checkouts.remove(workRoot.resolve(state.processId().toString()));
        return Router.JSON.createObjectNode().put("ok", true).put("instanceId", state.processId().toString())
                .put("status", status);
    }

    private Optional<UUID> initiator(UUID id) {
        return query("SELECT initiator FROM ex_process_logs WHERE instance_id = ?", id).map(UUID::fromString);
    }

    private void saveLog(UUID id, UUID initiator, String log) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ex_process_logs (instance_id, initiator, log) VALUES (?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, initiator.toString());
            ps.setString(3, log);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save process log: " + e.getMessage(), e);
        }
    }

    private Optional<String> query(String sql, UUID id) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read process: " + e.getMessage(), e);
        }
    }
}
