package dev.gatehouse.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that keeps every line it is given, formatted exactly as SLF4J formats
 * {@code {}} placeholders, so that tests can read what a component logs. Every level is enabled.
 * Thread-safe.
 */
public final class CapturingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final List<String> lines = new ArrayList<>();

    public CapturingLogger(String name) {
        this.name = name;
    }

    /** The formatted messages so far, in order. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything logged so far, one message per line. */
    public synchronized String text() {
        return String.join("\n", lines);
    }

    @Override
    protected synchronized void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
            Object[] arguments, Throwable throwable) {
        lines.add(MessageFormatter.basicArrayFormat(messagePattern, arguments));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return true;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
