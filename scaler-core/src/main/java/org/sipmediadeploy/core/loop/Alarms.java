package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.port.ScalerEvents;

/**
 * The leader's standing alarms, one per scope: raised and cleared by both lanes (any thread), reported to the
 * events listener when they change, and replicated so any node's status shows them.
 */
final class Alarms {
    static final Duration REFRESH = Duration.ofSeconds(5);

    private final ScalerEvents events;
    private final Map<String, Alarm> standing = new ConcurrentHashMap<>();
    private Instant syncedAt;

    Alarms(ScalerEvents events) {
        this.events = events;
    }

    void raise(Alarm a) {
        Alarm old = standing.put(a.scope(), a);
        if (old == null || !old.message().equals(a.message())) {
            events.alarm(a.scope(), a.message());
        }
    }

    void clear(String scope) {
        if (standing.remove(scope) != null) {
            events.alarmCleared(scope);
        }
    }

    Map<String, Alarm> standing() {
        return Map.copyOf(standing);
    }

    /**
     * The standing alarms to commit when they differ from the {@code replicated} set: at once when an alarm is raised
     * or cleared, at most every {@link #REFRESH} when only a message changed (messages carry counts that move every
     * pass; the log should not). Empty when nothing is to be committed now.
     */
    Optional<Map<String, String>> toReplicate(Map<String, String> replicated, Instant now) {
        Map<String, String> live = new TreeMap<>();
        standing.values().forEach(a -> live.put(a.scope(), a.message()));
        if (live.equals(replicated)) {
            return Optional.empty();
        }
        boolean scopesChanged = !live.keySet().equals(replicated.keySet());
        if (!scopesChanged
                && syncedAt != null
                && Duration.between(syncedAt, now).compareTo(REFRESH) < 0) {
            return Optional.empty();
        }
        syncedAt = now;
        return Optional.of(live);
    }
}
