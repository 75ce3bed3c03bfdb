package org.sipmediadeploy.core.model;

import java.time.Instant;
import java.util.Objects;

/** One finished step of a scaler replacement, as committed: what was done and when. */
public record StepRecord(ReplaceStep step, String detail, Instant at) {
    public StepRecord {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(at, "at");
        detail = detail == null ? "" : detail;
    }
}
