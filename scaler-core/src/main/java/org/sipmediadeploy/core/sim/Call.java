package org.sipmediadeploy.core.sim;

import java.time.Instant;
import java.util.Objects;

/** One call of a trace: it needs an idle gateway from {@code start} to {@code end}. */
public record Call(Instant start, Instant end) {
    public Call {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("call ends " + end + " before it starts " + start);
        }
    }
}
