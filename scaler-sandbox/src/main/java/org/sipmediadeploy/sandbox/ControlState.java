package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

/**
 * The sandbox's state as the control API shows it ({@code GET /control/state}, and the answer to each server
 * action): every server with its port and, while one runs, its instance; every floating IP.
 */
final class ControlState {
    private final SandboxCloud cloud;
    private final String keystoneUrl;

    ControlState(SandboxCloud cloud, String keystoneUrl) {
        this.cloud = cloud;
        this.keystoneUrl = keystoneUrl;
    }

    Map<String, Object> render() {
        return cloud.store.locked(() -> {
            List<Object> servers = new ArrayList<>();
            for (ServerRec s : cloud.store.servers.values()) {
                Map<String, Object> m = Json.obj(
                        "id",
                        s.id,
                        "name",
                        s.name,
                        "status",
                        s.status,
                        "deleting",
                        s.deleting,
                        "metadata",
                        new LinkedHashMap<>(s.metadata));
                if (!s.portIds.isEmpty() && cloud.store.ports.containsKey(s.portIds.get(0))) {
                    PortRec p = cloud.store.ports.get(s.portIds.get(0));
                    m.put("port_id", p.id);
                    m.put("fixed_ip", p.fixedIp);
                    m.put("host_ip", p.hostIp);
                }
                if (cloud.runningServerIds().contains(s.id)) {
                    Instance i = cloud.instance(s.id);
                    m.put("instance", i.kind());
                    m.put("alive", i.alive());
                    m.put("frozen", i.frozen());
                    m.put("pid", i.pid().isPresent() ? i.pid().getAsLong() : null);
                    m.put("traffic", cloud.nic(s.id).mode().name());
                }
                servers.add(m);
            }
            List<Object> fips = new ArrayList<>();
            for (FipRec f : cloud.store.floatingIps.values()) {
                fips.add(Json.obj(
                        "id",
                        f.id,
                        "address",
                        f.address,
                        "port_id",
                        f.portId,
                        "fixed_ip",
                        f.fixedIp,
                        "revision_number",
                        f.revision));
            }
            return Json.obj("keystone", keystoneUrl, "servers", servers, "floatingips", fips);
        });
    }
}
