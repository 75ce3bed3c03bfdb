package org.sipmediadeploy.openstack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.model.network.Network;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;

/**
 * Image, flavor and network given by name or id, resolved to ids (a name is looked up first: ids are not
 * always UUIDs). Resolutions are cached briefly: a create
 * storm must not be a lookup storm, and an image replaced under the same name is picked up within a minute.
 */
final class Names {
    private static final Duration TTL = Duration.ofSeconds(60);

    private record Cached(String id, Instant until) {}

    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    Names(Clock clock) {
        this.clock = clock;
    }

    String image(OSClientV3 c, String nameOrId) {
        return cached("image", nameOrId, () -> {
            List<String> ids = c.imagesV2().list(Map.of("name", nameOrId)).stream()
                    .filter(i -> nameOrId.equals(i.getName()))
                    .map(Image::getId)
                    .collect(Collectors.toList());
            if (ids.isEmpty()) {
                Image byId = c.imagesV2().get(nameOrId);
                return byId == null ? one("image", nameOrId, ids) : byId.getId();
            }
            return one("image", nameOrId, ids);
        });
    }

    String flavor(OSClientV3 c, String nameOrId) {
        return cached("flavor", nameOrId, () -> {
            List<? extends Flavor> all = c.compute().flavors().list();
            for (Flavor f : all) {
                if (nameOrId.equals(f.getId())) {
                    return f.getId();
                }
            }
            return one(
                    "flavor",
                    nameOrId,
                    all.stream()
                            .filter(f -> nameOrId.equals(f.getName()))
                            .map(Flavor::getId)
                            .collect(Collectors.toList()));
        });
    }

    String network(OSClientV3 c, String nameOrId) {
        return cached("network", nameOrId, () -> {
            List<String> ids = c.networking().network().list(Map.of("name", nameOrId)).stream()
                    .filter(n -> nameOrId.equals(n.getName()))
                    .map(Network::getId)
                    .collect(Collectors.toList());
            if (ids.isEmpty()) {
                Network byId = c.networking().network().get(nameOrId);
                return byId == null ? one("network", nameOrId, ids) : byId.getId();
            }
            return one("network", nameOrId, ids);
        });
    }

    String securityGroup(OSClientV3 c, String nameOrId) {
        return cached("security-group", nameOrId, () -> {
            // Security groups belong to a project and a port can only use its own project's: an admin sees every
            // project's "default", so the name is looked up in the token's project only.
            String project = c.getToken() == null || c.getToken().getProject() == null
                    ? null
                    : c.getToken().getProject().getId();
            Map<String, String> query =
                    project == null ? Map.of("name", nameOrId) : Map.of("name", nameOrId, "project_id", project);
            List<String> ids = c.networking().securitygroup().list(query).stream()
                    .filter(g -> nameOrId.equals(g.getName()))
                    .filter(g -> project == null || g.getTenantId() == null || project.equals(g.getTenantId()))
                    .map(g -> g.getId())
                    .collect(Collectors.toList());
            if (ids.isEmpty()) {
                var byId = c.networking().securitygroup().get(nameOrId);
                return byId == null ? one("security group", nameOrId, ids) : byId.getId();
            }
            return one("security group", nameOrId, ids);
        });
    }

    private interface Lookup {
        String id();
    }

    private String cached(String kind, String nameOrId, Lookup lookup) {
        String key = kind + "\u0000" + nameOrId;
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.id();
        }
        String id = lookup.id();
        cache.put(key, new Cached(id, now.plus(TTL)));
        return id;
    }

    private static String one(String kind, String nameOrId, List<String> ids) {
        if (ids.isEmpty()) {
            throw new CloudException(Kind.NOT_FOUND, "resolve", kind + " '" + nameOrId + "' not found");
        }
        if (ids.size() > 1) {
            throw new CloudException(
                    Kind.BAD_REQUEST,
                    "resolve",
                    kind + " name '" + nameOrId + "' is ambiguous (" + ids.size() + " " + kind
                            + "s carry it): give its id");
        }
        return ids.get(0);
    }
}
