package dev.gatehouse.secrets.internal;

import dev.gatehouse.core.ProcessRef;
import dev.gatehouse.secrets.AccessLevel;
import dev.gatehouse.secrets.AccessPolicy;
import dev.gatehouse.secrets.Caller;
import dev.gatehouse.secrets.Grantee;
import dev.gatehouse.secrets.Operation;
import dev.gatehouse.secrets.SecretMetadata;
import dev.gatehouse.secrets.Visibility;
import java.util.Map;
import java.util.Optional;

/** The rules of {@link AccessPolicy#standard()}. Stateless, thread-safe. */
public final class StandardAccessPolicy implements AccessPolicy {

    /** The one instance. */
    public static final StandardAccessPolicy INSTANCE = new StandardAccessPolicy();

    private StandardAccessPolicy() {}

    @Override
    public boolean permits(Caller caller, SecretMetadata secret, Operation operation) {
        if (operation == Operation.READ_VALUE && !secret.projects().isEmpty() && !inProject(caller, secret)) {
            return false;
        }
        if (caller.admin()) {
            return true;
        }
        AccessLevel needed = switch (operation) {
            case READ_METADATA, READ_VALUE -> AccessLevel.READER;
            case UPDATE -> AccessLevel.WRITER;
            case MANAGE, DELETE -> AccessLevel.OWNER;
        };
        return levelOf(caller, secret).map(l -> l.includes(needed)).orElse(false);
    }

    @Override
    public boolean permitsCreate(Caller caller, String org) {
        return caller.admin() || caller.orgs().contains(org);
    }

    static boolean inProject(Caller caller, SecretMetadata secret) {
        Optional<ProcessRef> p = caller.process();
        return p.isPresent() && p.get().org().equals(secret.org())
                && p.get().project().filter(secret.projects()::contains).isPresent();
    }

    /** The caller's effective level: owner, else the highest user or team grant, else READER on PUBLIC in their org. */
    static Optional<AccessLevel> levelOf(Caller caller, SecretMetadata secret) {
        if (caller.userId().equals(secret.owner())) {
            return Optional.of(AccessLevel.OWNER);
        }
        AccessLevel best = null;
        for (Map.Entry<Grantee, AccessLevel> g : secret.grants().entrySet()) {
            boolean applies = g.getKey() instanceof Grantee.User
                    ? g.getKey().id().equals(caller.userId())
                    : caller.teams().contains(g.getKey().id());
            if (applies && (best == null || g.getValue().compareTo(best) > 0)) {
                best = g.getValue();
            }
        }
        if (best == null && secret.visibility() == Visibility.PUBLIC && caller.orgs().contains(secret.org())) {
            best = AccessLevel.READER;
        }
        return Optional.ofNullable(best);
    }

    @Override
    public String toString() {
        return "AccessPolicy.standard()";
    }
}
