package dev.gatehouse.examples.internal;

import dev.gatehouse.examples.internal.concord.SealedConcordSecrets;
import dev.gatehouse.core.Permission;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.Identity;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.NewSecret;
import dev.gatehouse.secrets.PasswordPolicy;
import dev.gatehouse.secrets.SecretException;
import dev.gatehouse.secrets.ThrottledException;
import dev.gatehouse.secrets.SecretManager;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.SshKeyType;
import dev.gatehouse.secrets.SshKeys;
import dev.gatehouse.secrets.Visibility;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The secret endpoint, as Concord's v1 API shapes it: create (multipart), read data, list,
 * read public key, delete; and {@code GET /api/v1/secret/password-policy}, the store-password rules.
 */
public final class SecretApi {

    private final SecretManager secrets;
    private final Orgs orgs;
    private final Function<Identity, Caller> callers;

    private final SealedConcordSecrets sealed;

    /** @param sealed password-protected Concord secrets left sealed by the migration, migrated on first read */
    public SecretApi(SecretManager secrets, Orgs orgs, Function<Identity, Caller> callers, SealedConcordSecrets sealed) {
        this.sealed = sealed;
        this.secrets = secrets;
        this.orgs = orgs;
        this.callers = callers;
    }

    public void register(Router router) {
        router.route("POST", "/api/v1/org/{org}/secret", this::create)
                .route("GET", "/api/v1/org/{org}/secret", this::list)
                .route("POST", "/api/v1/org/{org}/secret/{name}/data", this::data)
                .route("GET", "/api/v1/org/{org}/secret/{name}/public", this::publicKey)
                .route("DELETE", "/api/v1/org/{org}/secret/{name}", this::delete)
                .route("GET", "/api/v1/secret/password-policy", this::passwordPolicy);
    }

    static ApiException translate(SecretException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, CONFLICT -> 409;
            case ACCESS_DENIED -> 403;
            case TOO_LARGE -> 413;
            case INVALID_PASSWORD, INVALID_INPUT, CORRUPTED -> 400;
            case KEY_UNAVAILABLE -> 503;
            case THROTTLED -> 429;
        };
        ApiException answer = new ApiException(status, e.getMessage());
        if (e instanceof ThrottledException throttled) {
            answer = answer.with("retryAfter", Long.toString(throttled.retryAfterSeconds())); // also the header
        }
        return answer;
    }

    private Object create(Router.Call call) {
        call.caller(Permission.SECRET_WRITE);
        Caller caller = callers.apply(call.caller());
        String org = call.param(0);
        orgs.require(org);
        Form form = new Form(call.request());
        Optional<String> project = form.text("project");
        if (project.isPresent() && !orgs.projectExists(org, project.get())) {
            throw ApiException.notFound("Project not found: " + org + "/" + project.get());
        }
        String name = form.text("name").orElseThrow(() -> ApiException.badRequest("'name' is required"));
        String type = form.text("type").orElseThrow(() -> ApiException.badRequest("'type' is required"));
        ObjectNode out = Router.JSON.createObjectNode().put("ok", true);
        SecretValue value = switch (type.toLowerCase(Locale.ROOT)) {
            case "data" -> SecretValue.ofBytes(form.bytes("data").orElseThrow(() -> ApiException.badRequest("'data' is required")));
            case "username_password" -> SecretValue.usernamePassword(
                    form.text("username").orElseThrow(() -> ApiException.badRequest("'username' is required")),
                    form.password("password").orElseThrow(() -> ApiException.badRequest("'password' is required")));
            case "key_pair" -> keyPair(form);
            default -> throw ApiException.badRequest("'type' must be data, username_password or key_pair");
        };
        try {
            NewSecret.Builder b = NewSecret.builder(org, name, value);
            Optional<char[]> storePassword = form.password("storePassword");
            if (form.text("generatePassword").map(v -> v.equalsIgnoreCase("true")).orElse(false)) {
                if (storePassword.isPresent()) {
                    throw ApiException.badRequest("Give either 'storePassword' or 'generatePassword', not both");
                }
                char[] generated = secrets.generatePassword();
                out.put("password", new String(generated));
                storePassword = Optional.of(generated);
            }
            storePassword.ifPresent(b::storePassword);
            // PRIVATE unless asked otherwise: the library's default, and Concord's UI's.
            b.visibility(parseVisibility(form.text("visibility").orElse(Visibility.PRIVATE.name())));
            project.ifPresent(p -> b.projects(Set.of(p)));
            SecretMetadata created = secrets.create(caller, b.build());
            out.put("id", created.id().toString()).put("result", "CREATED");
            created.publicKey().ifPresent(k -> out.put("publicKey", k));
            return out;
        } catch (SecretException e) {
            throw translate(e);
        } finally {
            value.wipe();
        }
    }

    private static SecretValue keyPair(Form form) {
        Optional<String> pub = form.text("public");
        Optional<String> priv = form.text("private");
        if (pub.isPresent() != priv.isPresent()) {
            throw ApiException.badRequest("Give both 'public' and 'private', or neither to generate a pair");
        }
        try {
            if (pub.isPresent()) {
                return SshKeys.importPair(pub.get().strip(), priv.get());
            }
            SshKeyType keyType = switch (form.text("keyType").orElse("ed25519").toLowerCase(Locale.ROOT)) {
                case "ed25519" -> SshKeyType.ED25519;
                case "rsa" -> SshKeyType.RSA_4096;
                case "ecdsa" -> SshKeyType.ECDSA_P256;
                default -> throw ApiException.badRequest("'keyType' must be ed25519, rsa or ecdsa");
            };
            return SshKeys.generate(keyType, SshKeys.DEFAULT_COMMENT);
        } catch (SecretException e) {
            throw translate(e);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static Visibility parseVisibility(String v) {
        try {
            return Visibility.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'visibility' must be PUBLIC or PRIVATE");
        }
    }

    private Object data(Router.Call call) throws IOException {
        call.caller(Permission.SECRET_READ);
        Caller caller = callers.apply(call.caller());
        String org = call.param(0);
        String name = call.param(1);
        Optional<char[]> storePassword = new Form(call.request()).password("storePassword");
        SecretValue value;
        try {
            value = storePassword.isPresent()
                    ? readOrUnseal(caller, org, name, storePassword.get())
                    : secrets.read(caller, org, name);
        } catch (SecretException e) {
            throw translate(e);
        } finally {
            storePassword.ifPresent(p -> Arrays.fill(p, '\0'));
        }
        try {
            call.response().setHeader("X-Concord-SecretType", value.type().name());
            call.response().setHeader("Cache-Control", "no-store");
            if (value instanceof SecretValue.Data d) {
                call.response().setContentType("application/octet-stream");
                call.response().setContentLength(d.bytes().length);
                call.response().getOutputStream().write(d.bytes());
                return null;
            }
            ObjectNode out = Router.JSON.createObjectNode();
            if (value instanceof SecretValue.UsernamePassword up) {
                out.put("username", up.username()).put("password", new String(up.password()));
            } else if (value instanceof SecretValue.KeyPair kp) {
                out.put("public", kp.publicKey()).put("private", new String(kp.privateKey(), StandardCharsets.UTF_8));
            }
            return out;
        } finally {
            value.wipe();
        }
    }

    /** A secret read with its store password; a sealed Concord secret of that name is migrated by this first read. */
    private SecretValue readOrUnseal(Caller caller, String org, String name, char[] storePassword) {
        char[] copy = storePassword.clone(); // read wipes the array it is given
        try {
            return secrets.read(caller, org, name, copy);
        } catch (SecretException e) {
            if (e.kind() != SecretException.Kind.NOT_FOUND) {
                throw e;
            }
            return sealed.readAndMigrate(caller, org, name, storePassword, secrets).orElseThrow(() -> e);
        } finally {
            java.util.Arrays.fill(copy, '\0');
        }
    }

    private Object list(Router.Call call) {
        call.caller(Permission.SECRET_READ);
        Caller caller = callers.apply(call.caller());
        ArrayNode out = Router.JSON.createArrayNode();
        try {
            for (SecretMetadata m : secrets.list(caller, call.param(0))) {
                ObjectNode n = out.addObject().put("id", m.id().toString()).put("orgName", m.org())
                        .put("name", m.name()).put("type", m.type().name()).put("visibility", m.visibility().name())
                        .put("owner", m.owner().toString())
                        .put("storageType", m.passwordProtected() ? "PASSWORD" : "SERVER_KEY");
                ArrayNode projects = n.putArray("projects");
                m.projects().stream().sorted().forEach(projects::add);
            }
        } catch (SecretException e) {
            throw translate(e);
        }
        return out;
    }

    private Object publicKey(Router.Call call) {
        call.caller(Permission.SECRET_READ);
        Caller caller = callers.apply(call.caller());
        try {
            return Router.JSON.createObjectNode().put("publicKey", secrets.readPublicKey(caller, call.param(0), call.param(1)));
        } catch (SecretException e) {
            throw translate(e);
        }
    }

    /** The rules a new store password must meet, so that a client can show them before it sends one. */
    private Object passwordPolicy(Router.Call call) {
        call.caller();
        PasswordPolicy p = secrets.passwordPolicy();
        List<String> rules = new ArrayList<>();
        rules.add("at least " + p.minLength() + (p.minLength() == 1 ? " character" : " characters"));
        if (p.requireUpper()) {
            rules.add("an upper-case letter");
        }
        if (p.requireLower()) {
            rules.add("a lower-case letter");
        }
        if (p.requireDigit()) {
            rules.add("a digit");
        }
        return Router.JSON.createObjectNode().put("minLength", p.minLength()).put("requireUpper", p.requireUpper())
                .put("requireLower", p.requireLower()).put("requireDigit", p.requireDigit())
                .put("description", "A store password needs " + (rules.size() == 1 ? rules.get(0)
                        : String.join(", ", rules.subList(0, rules.size() - 1)) + " and " + rules.get(rules.size() - 1)) + ".");
    }

    private Object delete(Router.Call call) {
        call.caller(Permission.SECRET_WRITE);
        Caller caller = callers.apply(call.caller());
        try {
            secrets.delete(caller, call.param(0), call.param(1));
        } catch (SecretException e) {
            throw translate(e);
        }
        return Router.JSON.createObjectNode().put("ok", true).put("result", "DELETED");
    }
}
