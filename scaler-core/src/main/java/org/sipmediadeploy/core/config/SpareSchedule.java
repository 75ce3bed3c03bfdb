package org.sipmediadeploy.core.config;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;

/**
 * Idle gateways wanted by time of day: the highest spare of the windows that cover the moment, else
 * {@code defaultSpare}. Windows are evaluated in {@code zone}.
 */
public record SpareSchedule(int defaultSpare, List<SpareWindow> windows, ZoneId zone) {
    public SpareSchedule {
        windows = List.copyOf(windows);
        Objects.requireNonNull(zone, "zone");
        if (defaultSpare < 0) {
            throw new IllegalArgumentException("default spare must be >= 0, was " + defaultSpare);
        }
    }

    public static SpareSchedule constant(int spare) {
        return new SpareSchedule(spare, List.of(), ZoneId.of("UTC"));
    }

    public int spareAt(Instant now) {
        ZonedDateTime t = now.atZone(zone);
        int best = -1;
        for (SpareWindow w : windows) {
            if (w.covers(t.getDayOfWeek(), t.toLocalTime())) {
                best = Math.max(best, w.spare());
            }
        }
        return best >= 0 ? best : defaultSpare;
    }
}
