package org.sipmediadeploy.core.config;

import java.util.List;
import java.util.Objects;

/** How to create a server of some kind (a gateway host, a replacement pair member). {@code userData} is the template text. */
public record ServerTemplate(
        String image,
        String flavor,
        String network,
        List<String> securityGroups,
        String keyPair,
        String availabilityZone,
        String userData) {
    public ServerTemplate {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(network, "network");
        securityGroups = List.copyOf(securityGroups);
        userData = userData == null ? "" : userData;
    }
}
