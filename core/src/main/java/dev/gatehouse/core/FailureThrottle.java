package dev.gatehouse.core;

import dev.gatehouse.core.internal.ThrottleRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Slows down guessing of anything that is not a login, with the machinery that throttles logins
 * (the same failure table, the same digests, the same hard bound). An attempt names a
 * <b>subject</b>, what is guessed at (a secret's id, say), and an <b>actor</b>, who guesses (a
 * caller's id). The three limits of {@link Throttling} apply with subject for account and actor
 * for client address:
 *
 * <ul>
 *   <li><b>per subject and actor</b>: after {@code maxFailures} consecutive failures of one actor on
 *       one subject, that actor is refused for that subject for {@code initialDelay}, doubling with
 *       each further failure up to {@code maxDelay}. A success forgets this count only.
 *   <li><b>per subject, from everywhere</b>: once failures on one subject came from
 *       {@code maxAddressesPerAccount} distinct actors within {@code maxDelay}, the subject is
 *       refused to every actor until fewer than that many remain in the window. One actor alone can
 *       never trigger it, so one caller cannot lock everyone out; many actors together are bounded
 *       to about {@code maxAddressesPerAccount} failures per {@code maxDelay} once it holds. 0
 *       turns it off.
 *   <li><b>per actor</b>: after {@code maxFailuresPerAddress} consecutive failures of one actor,
 *       whatever subjects they named, the actor is refused everywhere, delayed as above; a success
 *       does not reset it. 0 turns it off.
 * </ul>
 *
 * {@link Throttling#loginForms()} plays no part. Subjects and actors are kept as 128-bit keyed
 * digests, never as given, and at most {@code maxTracked} entries are held (a hard bound; see
 * {@link Throttling}). A count is forgotten after a quiet period of {@code maxDelay}.
 *
 * <p>State lives in this node's memory: with N nodes an attacker gets up to N times the attempts.
 * Thread-safe.
 */
public final class FailureThrottle {

    private final ThrottleRegistry registry;

    private FailureThrottle(Throttling settings, Clock clock) {
        this.registry = new ThrottleRegistry(settings, clock);
    }

    /**
     * A throttle with {@code settings}, reading time from {@code clock}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static FailureThrottle create(Throttling settings, Clock clock) {
        return new FailureThrottle(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * How long {@code actor} must still wait before trying {@code subject} again, if it must. Check
     * it before verifying the attempt: a blocked attempt is refused unverified and not counted.
     */
    public Optional<Duration> blocked(String subject, String actor) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(actor, "actor");
        if (registry.isDisabled() || registry.isEmpty()) {
            return Optional.empty();
        }
        ThrottleRegistry.Key a = registry.actorKey(actor);
        Optional<Duration> everywhere = registry.blockedAddress(a);
        Optional<Duration> here = registry.blocked(registry.subject(subject), a);
        if (everywhere.isEmpty()) {
            return here;
        }
        if (here.isEmpty()) {
            return everywhere;
        }
        return here.get().compareTo(everywhere.get()) >= 0 ? here : everywhere;
    }

    /** Counts one failed attempt of {@code actor} on {@code subject}. */
    public void failure(String subject, String actor) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(actor, "actor");
        if (registry.isDisabled()) {
            return;
        }
        registry.failure(registry.actorKey(actor), List.of(registry.subject(subject)));
    }

    /**
     * Forgets {@code actor}'s failures on {@code subject} (its count there, and its place among the
     * subject's failing actors); not the actor's count across subjects.
     */
    public void success(String subject, String actor) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(actor, "actor");
        if (registry.isDisabled() || registry.isEmpty()) {
            return;
        }
        registry.success(registry.actorKey(actor), List.of(registry.subject(subject)));
    }

    /** Whether nothing is ever counted ({@link Throttling#disabled()}). */
    public boolean isDisabled() {
        return registry.isDisabled();
    }

    /** The number of entries held; never more than {@link Throttling#maxTracked()}. */
    public int size() {
        return registry.size();
    }

    @Override
    public String toString() {
        return "FailureThrottle[" + registry.size() + " entries]";
    }
}
