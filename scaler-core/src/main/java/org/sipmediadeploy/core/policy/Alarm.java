package org.sipmediadeploy.core.policy;

import java.util.Objects;

/** Something an operator must look at; raised by a policy, shown in status and metrics until it clears. */
public record Alarm(String scope, String message) {
    public Alarm {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(message, "message");
    }
}
