package org.sipmediadeploy.core.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** A time-of-day window on some weekdays during which {@code spare} idle gateways are wanted. {@code to} is exclusive. */
public record SpareWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to, int spare) {
    public SpareWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        days = days == null || days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        days = Set.copyOf(days);
        if (spare < 0) {
            throw new IllegalArgumentException("spare must be >= 0, was " + spare);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("window from " + from + " must be before to " + to);
        }
    }

    public boolean covers(DayOfWeek day, LocalTime time) {
        return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
    }
}
