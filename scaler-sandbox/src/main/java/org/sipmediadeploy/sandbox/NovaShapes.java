package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.sandbox.Resources.Flavor;
import org.sipmediadeploy.sandbox.Resources.Image;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.ServerRec;

/**
 * The JSON shapes Nova's API gives its resources (server, flavor, the proxied image) and the self and bookmark
 * links they carry.
 */
final class NovaShapes {
    private final ResourceStore store;
    private final String baseUrl;

    NovaShapes(ResourceStore store, String baseUrl) {
        this.store = store;
        this.baseUrl = baseUrl;
    }

    String v21() {
        return baseUrl + Nova.BASE;
    }

    String bookmark() {
        return baseUrl + HttpFront.COMPUTE;
    }

    List<Object> links(String kind, String id) {
        return Json.list(
                Json.obj("rel", "self", "href", v21() + "/" + kind + "/" + id),
                Json.obj("rel", "bookmark", "href", bookmark() + "/" + kind + "/" + id));
    }

    /** The full server body, as the reference cloud writes it at 2.37 (flavor embedded from 2.47). */
    Map<String, Object> detail(ServerRec s, int mv) {
        Map<String, Object> addresses = new LinkedHashMap<>();
        if (!s.status.equals("BUILD") || s.launchedAt != null) {
            for (String pid : s.portIds) {
                PortRec p = store.ports.get(pid);
                if (p == null) {
                    continue;
                }
                Network net = store.networkOfPort(p);
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) addresses.computeIfAbsent(net.name(), k -> new ArrayList<>());
                l.add(Json.obj(
                        "version", 4, "addr", p.fixedIp, "OS-EXT-IPS:type", "fixed", "OS-EXT-IPS-MAC:mac_addr", p.mac));
            }
        }
        Map<String, Object> flavor;
        Flavor f = store.flavors.get(s.flavorId);
        if (mv >= 47 && f != null) {
            flavor = Json.obj(
                    "vcpus",
                    f.vcpus(),
                    "ram",
                    f.ram(),
                    "disk",
                    f.disk(),
                    "ephemeral",
                    0,
                    "swap",
                    0,
                    "original_name",
                    f.name(),
                    "extra_specs",
                    Json.obj());
        } else {
            flavor = Json.obj(
                    "id",
                    s.flavorId,
                    "links",
                    Json.list(Json.obj("rel", "bookmark", "href", bookmark() + "/flavors/" + s.flavorId)));
        }
        boolean active = s.launchedAt != null;
        Map<String, Object> m = Json.obj(
                "id",
                s.id,
                "name",
                s.name,
                "status",
                s.status,
                "tenant_id",
                s.projectId,
                "user_id",
                s.userId,
                "metadata",
                new LinkedHashMap<>(s.metadata),
                "hostId",
                active ? Integer.toHexString(s.id.hashCode()) + "sandbox" : "",
                "image",
                Json.obj(
                        "id",
                        s.imageId,
                        "links",
                        Json.list(Json.obj("rel", "bookmark", "href", bookmark() + "/images/" + s.imageId))),
                "flavor",
                flavor,
                "created",
                Json.seconds(s.created),
                "updated",
                Json.seconds(s.updated),
                "addresses",
                addresses,
                "accessIPv4",
                "",
                "accessIPv6",
                "",
                "links",
                links("servers", s.id),
                "OS-DCF:diskConfig",
                "MANUAL",
                "progress",
                0,
                "OS-EXT-AZ:availability_zone",
                s.availabilityZone,
                "config_drive",
                "",
                "key_name",
                s.keyName,
                "OS-SRV-USG:launched_at",
                Json.novaLaunched(s.launchedAt),
                "OS-SRV-USG:terminated_at",
                null);
        if (active) {
            List<Object> sgs = new ArrayList<>();
            s.securityGroups.forEach(g -> sgs.add(Json.obj("name", g)));
            m.put("security_groups", sgs);
        }
        m.put("OS-EXT-SRV-ATTR:host", active ? "sandbox" : null);
        m.put("OS-EXT-SRV-ATTR:instance_name", s.instanceName);
        m.put("OS-EXT-SRV-ATTR:hypervisor_hostname", active ? "sandbox" : null);
        m.put("OS-EXT-SRV-ATTR:reservation_id", s.reservationId);
        m.put("OS-EXT-SRV-ATTR:launch_index", 0);
        m.put("OS-EXT-SRV-ATTR:hostname", s.name);
        m.put("OS-EXT-SRV-ATTR:kernel_id", "");
        m.put("OS-EXT-SRV-ATTR:ramdisk_id", "");
        m.put("OS-EXT-SRV-ATTR:root_device_name", active ? "/dev/sda" : null);
        m.put("OS-EXT-SRV-ATTR:user_data", s.userData);
        m.put("OS-EXT-STS:task_state", s.taskState);
        m.put("OS-EXT-STS:vm_state", s.vmState);
        m.put("OS-EXT-STS:power_state", s.powerState);
        m.put("os-extended-volumes:volumes_attached", Json.list());
        m.put("host_status", active ? "UP" : "");
        m.put("locked", false);
        m.put("description", null);
        m.put("tags", Json.list());
        if (s.fault != null) {
            m.put("fault", s.fault);
        }
        return m;
    }

    Map<String, Object> flavor(Flavor f) {
        return Json.obj(
                "id",
                f.id(),
                "name",
                f.name(),
                "ram",
                f.ram(),
                "disk",
                f.disk(),
                "swap",
                "",
                "OS-FLV-EXT-DATA:ephemeral",
                0,
                "OS-FLV-DISABLED:disabled",
                false,
                "vcpus",
                f.vcpus(),
                "os-flavor-access:is_public",
                true,
                "rxtx_factor",
                1.0,
                "links",
                links("flavors", f.id()));
    }

    List<Object> imageLinks(Image i) {
        List<Object> l = links("images", i.id());
        l.add(Json.obj(
                "rel",
                "alternate",
                "type",
                "application/vnd.openstack.image",
                "href",
                baseUrl + HttpFront.IMAGE + "/images/" + i.id()));
        return l;
    }

    Map<String, Object> novaImage(Image i) {
        return Json.obj(
                "id",
                i.id(),
                "name",
                i.name(),
                "minRam",
                0,
                "minDisk",
                0,
                "metadata",
                Json.obj(),
                "created",
                Json.seconds(i.created()),
                "updated",
                Json.seconds(i.created()),
                "status",
                "ACTIVE",
                "progress",
                100,
                "OS-EXT-IMG-SIZE:size",
                1024,
                "links",
                imageLinks(i));
    }
}
