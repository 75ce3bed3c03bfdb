package org.sipmediadeploy.openstack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.network.options.PortListOptions;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neutron ports: a server's port found, a new node's port made ahead of its server (it carries the fixed address
 * and the security groups), and deleted.
 */
final class Ports {
    // The adapter's logger, as before these operations had a class of their own: operators filter on its name.
    private static final Logger LOG = LoggerFactory.getLogger(OpenStackCloud.class);

    private final Keystone keystone;
    private final Edge edge;
    private final Names names;

    Ports(Keystone keystone, Edge edge, Names names) {
        this.keystone = keystone;
        this.edge = edge;
        this.names = names;
    }

    Optional<Port> of(String serverId, String network) {
        Objects.requireNonNull(serverId, "serverId");
        return edge.run("portOf", () -> {
            OSClientV3 c = keystone.client();
            String networkId = network == null ? null : names.network(c, network);
            List<Port> ports = new ArrayList<>();
            for (org.openstack4j.model.network.Port p :
                    c.networking().port().list(PortListOptions.create().deviceId(serverId))) {
                // Filter here too: a cloud that ignored the filter must not hand out another server's port.
                if (serverId.equals(p.getDeviceId()) && (networkId == null || networkId.equals(p.getNetworkId()))) {
                    ports.add(Mapping.port(p));
                }
            }
            ports.sort(Comparator.comparing(Port::id));
            return ports.stream().findFirst();
        });
    }

    Port ensure(String network, String name, List<String> securityGroups) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(name, "name");
        return edge.run("ensurePort", () -> {
            OSClientV3 c = keystone.client();
            String networkId = names.network(c, network);
            // Look first: a retried call finds the port it made (the name is unique to one new node).
            Optional<Port> existing =
                    c
                            .networking()
                            .port()
                            .list(PortListOptions.create().networkId(networkId).name(name))
                            .stream()
                            .filter(p -> name.equals(p.getName()) && networkId.equals(p.getNetworkId()))
                            .map(Mapping::port)
                            .min(Comparator.comparing(Port::id));
            if (existing.isPresent()) {
                return existing.get();
            }
            var b = Builders.port().name(name).networkId(networkId);
            for (String sg : securityGroups == null ? List.<String>of() : securityGroups) {
                b.securityGroup(names.securityGroup(c, sg));
            }
            org.openstack4j.model.network.Port created = c.networking().port().create(b.build());
            if (created == null || created.getId() == null) {
                throw new CloudException(
                        Kind.TRANSIENT, "ensurePort", "Neutron accepted port '" + name + "' without returning its id");
            }
            LOG.info("created port {} '{}' on network {}", created.getId(), name, networkId);
            return Mapping.port(created);
        });
    }

    void delete(String portId) {
        Objects.requireNonNull(portId, "portId");
        edge.run("deletePort", () -> {
            ActionResponse r = keystone.client().networking().port().delete(portId);
            if (r.isSuccess() || r.getCode() == 404) {
                return null;
            }
            throw Errors.fromStatus("deletePort", r.getCode(), r.getFault());
        });
    }
}
