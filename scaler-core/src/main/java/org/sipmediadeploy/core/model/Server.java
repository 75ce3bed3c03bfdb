package org.sipmediadeploy.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cloud server as observed. {@code created} may be null when the cloud does not say.
 * {@code addresses} are the fixed addresses of its ports, first one primary.
 */
public record Server(
        String id,
        String name,
        ServerStatus status,
        Map<String, String> metadata,
        List<String> addresses,
        Instant created) {
    public Server {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
        addresses = List.copyOf(addresses == null ? List.of() : addresses);
    }

    public Optional<String> meta(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    public Optional<String> decisionId() {
        return meta(ServerMetadata.DECISION);
    }

    public Optional<String> primaryAddress() {
        return addresses.isEmpty() ? Optional.empty() : Optional.of(addresses.get(0));
    }
}
