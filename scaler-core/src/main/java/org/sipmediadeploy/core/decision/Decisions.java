package org.sipmediadeploy.core.decision;

import java.util.Objects;

final class Decisions {
    private Decisions() {}

    static void require(String id, String scope, String reason) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(reason, "reason");
        if (id.isBlank()) {
            throw new IllegalArgumentException("decision id must not be blank");
        }
    }
}
