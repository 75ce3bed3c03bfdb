package org.sipmediadeploy.openstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openstack4j.model.compute.Address;
import org.openstack4j.model.network.IP;
import org.openstack4j.model.network.NetFloatingIP;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerStatus;

/** openstack4j models to the core's records. */
final class Mapping {
    private Mapping() {}

    static Server server(org.openstack4j.model.compute.Server s) {
        List<String> addresses = new ArrayList<>();
        if (s.getAddresses() != null && s.getAddresses().getAddresses() != null) {
            for (List<? extends Address> list : s.getAddresses().getAddresses().values()) {
                for (Address a : list) {
                    if (a.getAddr() != null && !"floating".equals(a.getType())) {
                        addresses.add(a.getAddr());
                    }
                }
            }
        }
        return new Server(
                s.getId(),
                s.getName() == null ? "" : s.getName(),
                status(s),
                s.getMetadata(),
                addresses,
                s.getCreated() == null ? null : s.getCreated().toInstant());
    }

    /**
     * Nova's many states reduced to what the scaler acts on. A server being deleted still says ACTIVE with
     * task_state "deleting": it is reported DELETED so nobody points a floating IP at it.
     */
    static ServerStatus status(org.openstack4j.model.compute.Server s) {
        String task = s.getTaskState() == null ? "" : s.getTaskState().toLowerCase(Locale.ROOT);
        if (task.equals("deleting")) {
            return ServerStatus.DELETED;
        }
        if (s.getStatus() == null) {
            return ServerStatus.UNKNOWN;
        }
        return switch (s.getStatus()) {
            case ACTIVE -> ServerStatus.ACTIVE;
            case BUILD, REBUILD -> ServerStatus.BUILD;
            case ERROR -> ServerStatus.ERROR;
            case SHUTOFF, STOPPED -> ServerStatus.SHUTOFF;
            case DELETED -> ServerStatus.DELETED;
            default -> ServerStatus.UNKNOWN;
        };
    }

    static Port port(org.openstack4j.model.network.Port p) {
        String fixed = null;
        if (p.getFixedIps() != null) {
            for (IP ip : p.getFixedIps()) {
                if (fixed == null || ip.getIpAddress().compareTo(fixed) < 0) {
                    fixed = ip.getIpAddress();
                }
            }
        }
        return new Port(
                p.getId(),
                p.getDeviceId() == null || p.getDeviceId().isEmpty() ? null : p.getDeviceId(),
                p.getNetworkId(),
                fixed);
    }

    static FloatingIp floatingIp(NetFloatingIP f) {
        String port = f.getPortId() == null || f.getPortId().isEmpty() ? null : f.getPortId();
        return new FloatingIp(
                f.getId(),
                f.getFloatingIpAddress(),
                port,
                port == null ? null : f.getFixedIpAddress(),
                f.getRevisionNumber() == null ? -1 : f.getRevisionNumber());
    }
}
