package dev.gatehouse.ldap;

import dev.gatehouse.ldap.internal.DirectorySync;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the user records of an LDAP realm true to the directory, as Concord's LDAP group
 * synchroniser does: for every user record of type {@code LDAP} it looks the user up again and
 *
 * <ul>
 *   <li><b>disables</b> the record when the directory says the person is gone (the search finds
 *       no entry), or disabled: Active Directory's {@code userAccountControl} ACCOUNTDISABLE bit,
 *       or an entry that matches {@link LdapRealm.Builder#syncDisabledFilter(String)} (for
 *       OpenLDAP, e.g. {@code (pwdAccountLockedTime=*)}). Disabling goes through the user
 *       directory, which tells this node's caches at once: the user's API keys, process tokens and
 *       logins are refused here from the next request, and on other nodes sharing the database
 *       within their revocation bound (1 s by default);
 *   <li><b>refreshes</b> the directory-derived roles and groups ({@code User.directoryRoles()},
 *       {@code User.groups()}) from the same group search and role mapping a login uses, never
 *       touching roles granted in Gatehouse.
 * </ul>
 *
 * <p>A directory that does not answer stops the run and disables nobody: an outage is not
 * evidence that anyone left. The run reports it ({@link Report#problem()}) and the next one tries
 * again. A found entry whose username is not the record's (a search filter that matches on
 * something else) is left alone and counted as skipped, never disabled. The synchroniser never
 * enables a user: a record disabled by it, or by an admin, is enabled by an admin.
 *
 * <p>User records do not say which realm created them: every record of type {@code LDAP} counts
 * as this realm's. A host with two LDAP realms over different directories must not run their
 * synchronisers, which would disable each other's users.
 *
 * <p>Large directories: the user records are read a page at a time, and each user is one search
 * (plus a group search where configured), so neither side is held in memory whole. One run at a
 * time per realm; {@link #run()} is safe to call from any thread, and is what the schedule calls
 * when {@link LdapRealm.Builder#syncInterval(Duration)} is set.
 */
public final class LdapSynchronizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LdapSynchronizer.class);

    /**
     * What one run did.
     *
     * @param checked user records of the realm's type looked up
     * @param disabled records disabled because the directory no longer has or allows the user
     * @param updated records whose directory roles or groups changed
     * @param skipped records left alone (already disabled, a found entry naming someone else)
     * @param problem why the run stopped early (the directory or the user directory did not
     *     answer); empty for a complete run
     */
    public record Report(Instant started, Duration took, int checked, int disabled, int updated, int skipped,
            Optional<String> problem) {
        /** Whether every record was checked. */
        public boolean complete() {
            return problem.isEmpty();
        }
    }

    private final DirectorySync sync;
    private final String realm;
    private ScheduledExecutorService schedule;

    LdapSynchronizer(DirectorySync sync, String realm) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.realm = realm;
    }

    /** Runs once now (waiting for a run in progress to end first) and reports what it did. */
    public synchronized Report run() {
        DirectorySync.Result r = sync.run();
        Report report = new Report(r.started(), r.took(), r.checked(), r.disabled(), r.updated(), r.skipped(),
                r.problem());
        if (report.complete()) {
            LOG.info("realm {}: directory sync checked {}, disabled {}, updated {}, skipped {} in {} ms", realm,
                    report.checked(), report.disabled(), report.updated(), report.skipped(), report.took().toMillis());
        } else {
            LOG.warn("realm {}: directory sync stopped after {} checked ({} disabled, {} updated); nobody else was "
                    + "disabled: {}", realm, report.checked(), report.disabled(), report.updated(),
                    report.problem().get());
        }
        return report;
    }

    /** Runs every {@code interval} on a daemon thread, the first run one interval from now. */
    synchronized void start(Duration interval) {
        if (schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-ldap-sync-" + realm);
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        schedule.scheduleWithFixedDelay(() -> {
            try {
                run();
            } catch (RuntimeException e) {
                LOG.error("realm {}: directory sync failed ({})", realm, e.getClass().getName());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule, if any; a run in progress ends first. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = schedule;
            schedule = null;
        }
        if (s != null) {
            s.shutdownNow();
        }
    }
}
