package dev.gatehouse.core.internal;

import dev.gatehouse.core.AuthenticationEvent;
import dev.gatehouse.core.AuthenticationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link AuthenticationListener#logging()}. */
public final class LoggingAuthenticationListener implements AuthenticationListener {

    public static final LoggingAuthenticationListener INSTANCE = new LoggingAuthenticationListener();

    private static final Logger LOG = LoggerFactory.getLogger("dev.gatehouse.audit");

    private LoggingAuthenticationListener() {}

    @Override
    public void on(AuthenticationEvent event) {
        if (event instanceof AuthenticationEvent.Succeeded s) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("authenticated user={} realm={} from={}", s.identity().username(),
                        s.identity().realm(), s.remoteAddress());
            }
        } else if (event instanceof AuthenticationEvent.Failed f) {
            LOG.info("authentication failed user={} realm={} from={}: {}",
                    f.username().map(LoggingAuthenticationListener::printable).orElse("-"),
                    f.realm().orElse("-"), f.remoteAddress(), f.reason());
        } else if (event instanceof AuthenticationEvent.Throttled t) {
            LOG.info("authentication throttled user={} from={} retryAfter={}s",
                    t.username().map(LoggingAuthenticationListener::printable).orElse("-"), t.remoteAddress(),
                    t.retryAfter().toSeconds());
        }
    }

    /** Successes are logged at DEBUG only: without it, there is nothing to receive. */
    @Override
    public boolean receivesSuccesses() {
        return LOG.isDebugEnabled();
    }

    /** Usernames are attacker-chosen: keep them from forging log lines. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 128));
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > 128) {
            b.append("...");
        }
        return b.toString();
    }
}
