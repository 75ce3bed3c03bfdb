package org.sipmediadeploy.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to create. {@code image}, {@code flavor} and {@code network} are names or ids.
 * {@code userData} is plain text; the adapter encodes it. {@code metadata} must hold the tag and decision id.
 * {@code keyPair} and {@code availabilityZone} may be null. {@code portId}, when not null, is an existing port the
 * server is attached to instead of a new one on {@code network} (the port then carries the security groups and the
 * fixed address, known before the server exists: a scaler node's Raft address is in its own user data).
 * {@code toString} leaves the user data out: it may hold secrets.
 */
public record ServerSpec(
        String name,
        String image,
        String flavor,
        String network,
        List<String> securityGroups,
        String keyPair,
        String availabilityZone,
        String userData,
        Map<String, String> metadata,
        String portId) {
    public ServerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(network, "network");
        securityGroups = List.copyOf(securityGroups == null ? List.of() : securityGroups);
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
        if (!metadata.containsKey(ServerMetadata.TAG) || !metadata.containsKey(ServerMetadata.DECISION)) {
            throw new IllegalArgumentException(
                    "server metadata must carry " + ServerMetadata.TAG + " and " + ServerMetadata.DECISION);
        }
    }

    /** A server on a new port of {@code network}. */
    public ServerSpec(
            String name,
            String image,
            String flavor,
            String network,
            List<String> securityGroups,
            String keyPair,
            String availabilityZone,
            String userData,
            Map<String, String> metadata) {
        this(name, image, flavor, network, securityGroups, keyPair, availabilityZone, userData, metadata, null);
    }

    @Override
    public String toString() {
        return "ServerSpec[name=" + name + ", image=" + image + ", flavor=" + flavor + ", network=" + network
                + ", securityGroups=" + securityGroups + ", portId=" + portId + ", metadata=" + metadata
                + ", userData=" + (userData == null ? "none" : userData.length() + " chars") + "]";
    }

    public String decisionId() {
        return metadata.get(ServerMetadata.DECISION);
    }

    public String tag() {
        return metadata.get(ServerMetadata.TAG);
    }
}
