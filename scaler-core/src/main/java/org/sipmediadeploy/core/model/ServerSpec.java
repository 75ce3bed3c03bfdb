package org.sipmediadeploy.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to create. {@code image}, {@code flavor} and {@code network} are names or ids.
 * {@code userData} is plain text; the adapter encodes it. {@code metadata} must hold the tag and decision id.
 * {@code keyPair} and {@code availabilityZone} may be null.
 */
public record ServerSpec(String name, String image, String flavor, String network, List<String> securityGroups,
                         String keyPair, String availabilityZone, String userData, Map<String, String> metadata) {
    public ServerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(network, "network");
        securityGroups = List.copyOf(securityGroups == null ? List.of() : securityGroups);
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
        if (!metadata.containsKey(ServerMetadata.TAG) || !metadata.containsKey(ServerMetadata.DECISION)) {
            throw new IllegalArgumentException("server metadata must carry " + ServerMetadata.TAG + " and "
                    + ServerMetadata.DECISION);
        }
    }

    public String decisionId() {
        return metadata.get(ServerMetadata.DECISION);
    }

    public String tag() {
        return metadata.get(ServerMetadata.TAG);
    }
}
