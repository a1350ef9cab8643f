package dev.gatehouse.core;

import java.util.Objects;

/**
 * What a running process knows about itself: which process it is and the session token it may
 * call the host's API with. Expressions see it as {@code processInfo}, so
 * {@code ${processInfo.sessionToken}} renders the token. {@code toString()} hides the token.
 *
 * @param process the process (id, org, project)
 * @param sessionToken the process's current session token, sent in {@code X-Concord-SessionToken}
 */
public record ProcessInfo(ProcessRef process, String sessionToken) {

    public ProcessInfo {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(sessionToken, "sessionToken");
    }

    @Override
    public String toString() {
        return "ProcessInfo[process=" + process.id() + ", sessionToken=<redacted>]";
    }
}
