package dev.gatehouse.ldap.internal;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResultEntry;
import dev.gatehouse.core.Accounts;
import dev.gatehouse.core.BackendUnavailableException;
import dev.gatehouse.core.ExternalUser;
import dev.gatehouse.core.LogSafe;
import dev.gatehouse.core.User;
import dev.gatehouse.core.UserDirectory;
import dev.gatehouse.core.UserType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The work of {@code LdapSynchronizer}: see there. Not thread-safe; its caller runs one at a time. */
public final class DirectorySync {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorySync.class);
    /** User records read per page. */
    static final int PAGE = 500;

    /** What a run did; see {@code LdapSynchronizer.Report}. */
    public record Result(Instant started, Duration took, int checked, int disabled, int updated, int skipped,
            Optional<String> problem) {}

    private final LdapConfig config;
    private final Directory directory;
    private final ProfileMapper profiles;
    private final UserDirectory users;
    private final Optional<Filter> disabledFilter;
    private final Clock clock;

    public DirectorySync(LdapConfig config, Directory directory, Accounts accounts, Optional<Filter> disabledFilter) {
        this.config = config;
        this.directory = directory;
        this.profiles = new ProfileMapper(config);
        this.users = accounts.users();
        this.disabledFilter = disabledFilter;
        this.clock = config.clock();
    }

    public Result run() {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        int checked = 0;
        int disabled = 0;
        int updated = 0;
        int skipped = 0;
        String problem = null;
        try {
            for (int offset = 0; ; offset += PAGE) {
                List<User> page = users.list(offset, PAGE);
                for (User user : page) {
                    if (!user.type().equals(UserType.LDAP)) {
                        continue;
                    }
                    if (user.disabled()) {
                        skipped++;
                        continue;
                    }
                    checked++;
                    switch (check(user)) {
                        case DISABLED -> disabled++;
                        case UPDATED -> updated++;
                        case SKIPPED -> skipped++;
                        case UNCHANGED -> { }
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
        } catch (BackendUnavailableException e) {
            problem = e.getMessage(); // names the backend and what failed, never a value
        }
        return new Result(started, Duration.ofNanos(System.nanoTime() - t0), checked, disabled, updated, skipped,
                Optional.ofNullable(problem));
    }

    private enum Outcome { DISABLED, UPDATED, SKIPPED, UNCHANGED }

    private Outcome check(User user) {
        String typed = user.username() + user.domain().map(d -> "@" + d).orElse("");
        Optional<LoginName> name = LoginName.parse(typed);
        if (name.isEmpty()) {
            return Outcome.SKIPPED;
        }
        Deadline deadline = Deadline.after(config.readTimeout());
        Directory.Lookup lookup;
        try {
            lookup = directory.find(config.principalSearchFilter().expand(name.get().filterArguments()), deadline);
        } catch (LDAPException e) {
            return Outcome.SKIPPED; // a filter that cannot be built for this name
        }
        if (lookup instanceof Directory.Lookup.NotUnique) {
            LOG.warn("realm {}: directory sync found several entries for {}; left alone", config.realmName(),
                    LogSafe.login(typed));
            return Outcome.SKIPPED;
        }
        if (lookup instanceof Directory.Lookup.NotFound) {
            return disable(user, "no longer in the directory");
        }
        SearchResultEntry entry = ((Directory.Lookup.Found) lookup).entry();
        if (!profiles.username(entry).toLowerCase(Locale.ROOT).equals(user.username())) {
            LOG.warn("realm {}: directory sync found an entry for {} that names another user; left alone",
                    config.realmName(), LogSafe.login(typed));
            return Outcome.SKIPPED;
        }
        if (disabledInDirectory(entry, deadline)) {
            return disable(user, "disabled in the directory");
        }
        ExternalUser profile;
        try {
            profile = LoginVerifier.profile(config, directory, profiles, entry, name.get().user(), deadline);
        } catch (LDAPException e) {
            return Outcome.SKIPPED;
        }
        if (profile.roles().equals(user.directoryRoles()) && profile.groups().equals(user.groups())) {
            return Outcome.UNCHANGED;
        }
        users.setDirectoryMemberships(user.id(), profile.roles(), profile.groups());
        return Outcome.UPDATED;
    }

    private boolean disabledInDirectory(SearchResultEntry entry, Deadline deadline) {
        String flags = entry.getAttributeValue(Directory.USER_ACCOUNT_CONTROL);
        if (flags != null) {
            try {
                if ((Long.parseLong(flags.strip()) & Directory.ACCOUNT_DISABLE) != 0) {
                    return true;
                }
            } catch (NumberFormatException e) {
                // not Active Directory's attribute: only the filter decides
            }
        }
        return disabledFilter.isPresent() && directory.matches(entry.getDN(), disabledFilter.get(), deadline);
    }

    private Outcome disable(User user, String why) {
        if (users.setDisabled(user.id(), true)) {
            LOG.info("realm {}: directory sync disabled {}: {}", config.realmName(), LogSafe.login(user.username()), why);
            return Outcome.DISABLED;
        }
        return Outcome.SKIPPED; // deleted meanwhile
    }
}
