package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.AuthenticationListener;
import dev.gatehouse.core.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link AuthenticationListener#logging()}. */
public final class LoggingAuthenticationListener implements AuthenticationListener {

    public static final LoggingAuthenticationListener INSTANCE =
            new LoggingAuthenticationListener(LoggerFactory.getLogger("dev.gatehouse.audit"));

    private final Logger log;

    private LoggingAuthenticationListener(Logger log) {
        this.log = log;
    }

    /** The same listener writing to {@code log}: for tests that read what it writes. */
    public static LoggingAuthenticationListener to(Logger log) {
        return new LoggingAuthenticationListener(log);
    }

    @Override
    public void on(AuthenticationEvent event) {
        if (event instanceof AuthenticationEvent.Succeeded s) {
            if (log.isDebugEnabled()) {
                log.debug("authenticated user={} realm={} from={}", LogSafe.quote(LogSafe.login(s.identity().username())),
                        LogSafe.quote(s.identity().realm()), LogSafe.quote(s.remoteAddress()));
            }
        } else if (event instanceof AuthenticationEvent.Failed f) {
            log.info("authentication failed user={} realm={} from={} reason={}", user(f.username()),
                    f.realm().map(LogSafe::quote).orElse("-"), LogSafe.quote(f.remoteAddress()), LogSafe.text(f.reason()));
        } else if (event instanceof AuthenticationEvent.Throttled t) {
            log.info("authentication throttled user={} from={} retryAfter={}s", user(t.username()),
                    LogSafe.quote(t.remoteAddress()), Math.max(1, t.retryAfter().toSeconds()));
        }
    }

    /** Usernames are attacker-chosen: redacted if credential-shaped, quoted and escaped always. */
    private static String user(java.util.Optional<String> username) {
        return username.map(u -> LogSafe.quote(LogSafe.login(u))).orElse("-");
    }

    /** Successes are logged at DEBUG only: without it, there is nothing to receive. */
    @Override
    public boolean receivesSuccesses() {
        return log.isDebugEnabled();
    }
}
