package org.sipmediadeploy.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

/**
 * The service pairs a sandbox has before any scaler runs, created as Terraform would for the demo (see
 * {@link Sandbox#createPair}).
 */
final class PrecreatedPairs {
    private final SandboxCloud cloud;
    private final EventLog events;

    PrecreatedPairs(SandboxCloud cloud) {
        this.cloud = cloud;
        this.events = cloud.events;
    }

    Sandbox.Pair create(String name, String image, String tag) {
        String[] imageAndFlavor = cloud.store.locked(() -> {
            var img = cloud.store.imageByName(image);
            if (img == null) {
                throw new IllegalArgumentException("no image named " + image);
            }
            return new String[] {
                img.id(), cloud.store.flavors.keySet().iterator().next()
            };
        });
        String imageId = imageAndFlavor[0];
        String flavorId = imageAndFlavor[1];
        String[] ids = new String[2];
        String[] ports = new String[2];
        String[] fixed = new String[2];
        for (int i = 0; i < 2; i++) {
            String member = name + "-" + (char) ('a' + i);
            Map<String, String> md = new LinkedHashMap<>();
            md.put(ServerMetadata.TAG, tag);
            md.put(ServerMetadata.DECISION, "precreated-" + member);
            md.put(ServerMetadata.GROUP, name);
            md.put(ServerMetadata.ROLE, name);
            ServerRec s = cloud.createServer(
                    Caller.SANDBOX, member, imageId, flavorId, List.of(), md, null, null, List.of(), false);
            events.record("server.create", Caller.SANDBOX, s.id, 202, "ok", Map.of("name", member));
            int slot = i;
            cloud.store.lockedRun(() -> {
                ids[slot] = s.id;
                PortRec p = cloud.store.ports.get(s.portIds.get(0));
                ports[slot] = p.id;
                fixed[slot] = p.fixedIp;
            });
        }
        String ext = cloud.store.locked(() -> cloud.store.externalNetwork().id());
        FipRec f = cloud.networking.createFloatingIp(Caller.SANDBOX, ext, null, ports[0], name + " service address");
        return new Sandbox.Pair(name, ids[0], ids[1], ports[0], ports[1], fixed[0], fixed[1], f.id, f.address);
    }
}
