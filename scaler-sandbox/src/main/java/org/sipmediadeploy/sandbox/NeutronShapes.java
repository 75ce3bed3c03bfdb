package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.Map;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.Network;
import org.sipmediadeploy.sandbox.Resources.PortRec;
import org.sipmediadeploy.sandbox.Resources.SecurityGroup;

/** The JSON shapes Neutron's API gives its resources (network, subnet, security group, port, floating IP). */
final class NeutronShapes {
    private final SandboxCloud cloud;
    private final ResourceStore store;

    NeutronShapes(SandboxCloud cloud) {
        this.cloud = cloud;
        this.store = cloud.store;
    }

    Map<String, Object> network(Network n) {
        return Json.obj(
                "id",
                n.id(),
                "name",
                n.name(),
                "tenant_id",
                store.projectId,
                "admin_state_up",
                true,
                "mtu",
                1450,
                "status",
                "ACTIVE",
                "subnets",
                Json.list(n.subnetId()),
                "shared",
                false,
                "availability_zone_hints",
                Json.list(),
                "availability_zones",
                Json.list(),
                "ipv4_address_scope",
                null,
                "ipv6_address_scope",
                null,
                "router:external",
                n.external(),
                "description",
                "",
                "port_security_enabled",
                true,
                "tags",
                Json.list(),
                "created_at",
                Json.seconds(n.created()),
                "updated_at",
                Json.seconds(n.created()),
                "revision_number",
                2,
                "project_id",
                store.projectId,
                "provider:network_type",
                n.external() ? "flat" : "vxlan",
                "provider:physical_network",
                n.external() ? "public" : null,
                "provider:segmentation_id",
                n.external() ? null : n.segmentationId());
    }

    Map<String, Object> subnet(Network n) {
        return Json.obj(
                "id",
                n.subnetId(),
                "name",
                n.subnetName(),
                "tenant_id",
                store.projectId,
                "network_id",
                n.id(),
                "ip_version",
                4,
                "subnetpool_id",
                null,
                "enable_dhcp",
                !n.external(),
                "ipv6_ra_mode",
                null,
                "ipv6_address_mode",
                null,
                "gateway_ip",
                n.prefix() + "1",
                "cidr",
                n.cidr(),
                "allocation_pools",
                Json.list(Json.obj("start", n.prefix() + "2", "end", n.prefix() + "254")),
                "host_routes",
                Json.list(),
                "dns_nameservers",
                Json.list(),
                "description",
                "",
                "service_types",
                Json.list(),
                "tags",
                Json.list(),
                "created_at",
                Json.seconds(n.created()),
                "updated_at",
                Json.seconds(n.created()),
                "revision_number",
                0,
                "project_id",
                store.projectId);
    }

    Map<String, Object> securityGroup(SecurityGroup g) {
        return Json.obj(
                "id",
                g.id(),
                "name",
                g.name(),
                "tenant_id",
                store.projectId,
                "description",
                g.description() == null ? "" : g.description(),
                "security_group_rules",
                Json.list(),
                "stateful",
                true,
                "tags",
                Json.list(),
                "revision_number",
                1,
                "project_id",
                store.projectId);
    }

    Map<String, Object> port(PortRec p) {
        return Json.obj(
                "id",
                p.id,
                "name",
                p.name,
                "network_id",
                p.networkId,
                "tenant_id",
                p.projectId,
                "mac_address",
                p.mac,
                "admin_state_up",
                true,
                "status",
                p.status,
                "device_id",
                p.deviceId,
                "device_owner",
                p.deviceOwner,
                "fixed_ips",
                Json.list(Json.obj("subnet_id", p.subnetId, "ip_address", p.fixedIp)),
                "allowed_address_pairs",
                Json.list(),
                "extra_dhcp_opts",
                Json.list(),
                "security_groups",
                new ArrayList<>(p.securityGroupIds),
                "description",
                "",
                "binding:vnic_type",
                "normal",
                "binding:profile",
                Json.obj(),
                "binding:host_id",
                p.bindingHost,
                "binding:vif_type",
                p.bindingHost.isEmpty() ? "unbound" : "ovs",
                "binding:vif_details",
                p.bindingHost.isEmpty()
                        ? Json.obj()
                        : Json.obj("port_filter", false, "bound_drivers", Json.obj("0", "sandbox")),
                "port_security_enabled",
                true,
                "tags",
                Json.list(),
                "created_at",
                Json.seconds(p.created),
                "updated_at",
                Json.seconds(p.updated),
                "revision_number",
                p.revision,
                "project_id",
                p.projectId);
    }

    Map<String, Object> fip(FipRec f) {
        Object details = null;
        if (f.portId != null) {
            PortRec p = store.ports.get(f.portId);
            if (p != null) {
                details = Json.obj(
                        "name",
                        p.name,
                        "network_id",
                        p.networkId,
                        "mac_address",
                        p.mac,
                        "admin_state_up",
                        true,
                        "status",
                        p.status,
                        "device_id",
                        p.deviceId,
                        "device_owner",
                        p.deviceOwner);
            }
        }
        return Json.obj(
                "id",
                f.id,
                "tenant_id",
                f.projectId,
                "floating_ip_address",
                f.address,
                "floating_network_id",
                f.floatingNetworkId,
                "router_id",
                f.routerId,
                "port_id",
                f.portId,
                "fixed_ip_address",
                f.fixedIp,
                "status",
                cloud.networking.floatingStatus(f),
                "description",
                f.description,
                "port_details",
                details,
                "tags",
                Json.list(),
                "created_at",
                Json.seconds(f.created),
                "updated_at",
                Json.seconds(f.updated),
                "revision_number",
                f.revision,
                "project_id",
                f.projectId);
    }
}
