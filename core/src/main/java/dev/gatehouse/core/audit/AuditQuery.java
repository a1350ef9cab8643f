package dev.gatehouse.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which events to read from the {@link AuditTrail}, newest first: every filter is optional and
 * they combine with "and". Page with {@link #limit} and either {@link #offset} or, cheaper and
 * stable while events arrive, {@link #before} (the {@link AuditPage#nextCursor()} of the last
 * page). Immutable.
 *
 * @param actor the actor's username, exactly
 * @param target the target, exactly
 * @param action the action, exactly
 * @param from events at or after this instant
 * @param to events before this instant
 * @param before events older than this cursor
 * @param offset events to skip, 0 or more
 * @param limit at most this many events, 1 to {@value #MAX_LIMIT}
 */
public record AuditQuery(Optional<String> actor, Optional<String> target, Optional<String> action,
        Optional<Instant> from, Optional<Instant> to, Optional<Long> before, int offset, int limit) {

    /** The largest page. */
    public static final int MAX_LIMIT = 1000;

    /**
     * @throws IllegalArgumentException naming the field if {@code offset} or {@code limit} is out of range
     */
    public AuditQuery {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(before, "before");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, was " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Every event, the newest 100 first. */
    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 100);
    }

    public AuditQuery actor(String actor) {
        return new AuditQuery(Optional.ofNullable(actor), target, action, from, to, before, offset, limit);
    }

    public AuditQuery target(String target) {
        return new AuditQuery(actor, Optional.ofNullable(target), action, from, to, before, offset, limit);
    }

    public AuditQuery action(String action) {
        return new AuditQuery(actor, target, Optional.ofNullable(action), from, to, before, offset, limit);
    }

    public AuditQuery from(Instant from) {
        return new AuditQuery(actor, target, action, Optional.ofNullable(from), to, before, offset, limit);
    }

    public AuditQuery to(Instant to) {
        return new AuditQuery(actor, target, action, from, Optional.ofNullable(to), before, offset, limit);
    }

    public AuditQuery before(Long cursor) {
        return new AuditQuery(actor, target, action, from, to, Optional.ofNullable(cursor), offset, limit);
    }

    public AuditQuery offset(int offset) {
        return new AuditQuery(actor, target, action, from, to, before, offset, limit);
    }

    public AuditQuery limit(int limit) {
        return new AuditQuery(actor, target, action, from, to, before, offset, limit);
    }

    /** Whether {@code e} passes the filters and the cursor (not offset and limit): for in-memory trails. */
    public boolean matches(AuditRecord e) {
        AuditEvent ev = e.event();
        return actor.map(a -> ev.actor().map(x -> x.username().equals(a)).orElse(false)).orElse(true)
                && target.map(t -> ev.target().map(t::equals).orElse(false)).orElse(true)
                && action.map(ev.action()::equals).orElse(true)
                && from.map(f -> !ev.at().isBefore(f)).orElse(true)
                && to.map(t -> ev.at().isBefore(t)).orElse(true)
                && before.map(b -> e.sequence() < b).orElse(true);
    }
}
