package org.sipmediadeploy.daemon.logging;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sipmediadeploy.core.model.Secret;

/**
 * The safety net behind {@link Secret}: every configured secret value is registered here at start, and every log
 * line (message, arguments, MDC, stack trace; JSON and text alike) has any occurrence replaced by
 * {@value #MASK}. Code must still never log a secret; this catches the mistake that slips through.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are not registered: masking every "a" or "12" would
 * garble the logs, and secrets that short should be refused by config validation anyway.
 */
public final class Redaction {
    public static final String MASK = "<redacted>";
    public static final int MIN_LENGTH = 4;

    /** Longest first, so a secret containing another is masked whole. */
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private Redaction() {}

    /** Registers a secret value; empty, too short or repeated values are ignored. */
    public static synchronized void register(Secret secret) {
        if (secret == null) {
            return;
        }
        String v = secret.reveal();
        if (v.length() < MIN_LENGTH || SECRETS.contains(v)) {
            return;
        }
        SECRETS.add(v);
        SECRETS.sort(Comparator.comparingInt(String::length).reversed());
    }

    /** {@code text} with every registered secret replaced by {@value #MASK}; the same instance when none occurs. */
    public static String redact(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : SECRETS) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }

    /** Forgets every registered value (tests only: a daemon registers once at start). */
    static synchronized void clear() {
        SECRETS.clear();
    }
}
