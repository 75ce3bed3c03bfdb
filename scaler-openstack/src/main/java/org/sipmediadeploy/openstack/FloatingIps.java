package org.sipmediadeploy.openstack;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.network.NetFloatingIP;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.port.Cloud.Guard;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neutron floating IPs: found by address, pointed at a port (plainly, or as the control loop's move conditional
 * on where the decision saw the IP) and detached. Every update reads the IP first and is done when it is already
 * so; where Neutron offers {@code revision-if-match} it is sent with {@code If-Match: revision_number=N}.
 */
final class FloatingIps {
    // The adapter's logger, as before these operations had a class of their own: operators filter on its name.
    private static final Logger LOG = LoggerFactory.getLogger(OpenStackCloud.class);

    private final Keystone keystone;
    private final Edge edge;
    private final Names names;
    private final Neutron neutron;

    FloatingIps(Keystone keystone, Edge edge, Names names, Neutron neutron) {
        this.keystone = keystone;
        this.edge = edge;
        this.names = names;
        this.neutron = neutron;
    }

    Optional<FloatingIp> byAddress(String address) {
        Objects.requireNonNull(address, "address");
        return edge.run(
                "floatingIpByAddress",
                () -> keystone.client().networking().floatingip().list(Map.of("floating_ip_address", address)).stream()
                        .filter(f -> address.equals(f.getFloatingIpAddress()))
                        .findFirst()
                        .map(Mapping::floatingIp));
    }

    FloatingIp associate(String floatingIpId, String portId) {
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        Objects.requireNonNull(portId, "portId");
        return edge.run("associate", () -> {
            NetFloatingIP current = currentFip("associate", floatingIpId);
            if (portId.equals(current.getPortId())) {
                return Mapping.floatingIp(current);
            }
            NetFloatingIP updated =
                    keystone.client(ifMatch(current)).networking().floatingip().associateToPort(floatingIpId, portId);
            FloatingIp result = Mapping.floatingIp(updated);
            if (!result.isAssociatedTo(portId)) {
                throw new CloudException(
                        Kind.CONFLICT,
                        "associate",
                        "floating IP " + floatingIpId + " points at port " + result.portId() + " after the update to "
                                + portId);
            }
            LOG.info(
                    "floating IP {} ({}) moved from port {} to {}",
                    result.address(),
                    floatingIpId,
                    current.getPortId(),
                    portId);
            return result;
        });
    }

    FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        Objects.requireNonNull(toPortId, "toPortId");
        Objects.requireNonNull(expected, "expected");
        return edge.run("associate", guard, () -> {
            NetFloatingIP current = currentFip("associate", floatingIpId);
            if (toPortId.equals(current.getPortId())) {
                return Mapping.floatingIp(current); // done, by an earlier try whose answer was lost
            }
            FloatingIp seen = Mapping.floatingIp(current);
            if (!expected.matches(seen)) {
                throw stale(floatingIpId, seen, expected);
            }
            // The committed revision, not the one just read: If-Match then also covers the gap since the decision.
            Map<String, String> h = expected.revision() < 0 || !neutron.revisionIfMatch()
                    ? null
                    : Map.of("If-Match", "revision_number=" + expected.revision());
            NetFloatingIP updated;
            try {
                updated = keystone.client(h).networking().floatingip().associateToPort(floatingIpId, toPortId);
            } catch (RuntimeException e) {
                CloudException ce = Errors.classify("associate", e);
                if (ce.kind() == Kind.CONFLICT && h != null) {
                    throw new CloudException(
                            Kind.STALE,
                            "associate",
                            "floating IP " + floatingIpId + " changed since the decision (expected " + expected + "): "
                                    + ce.getMessage(),
                            ce);
                }
                throw ce;
            }
            FloatingIp result = Mapping.floatingIp(updated);
            if (!result.isAssociatedTo(toPortId)) {
                throw new CloudException(
                        Kind.CONFLICT,
                        "associate",
                        "floating IP " + floatingIpId + " points at port " + result.portId() + " after the update to "
                                + toPortId);
            }
            LOG.info(
                    "floating IP {} ({}) moved from port {} to {} (expected {})",
                    result.address(),
                    floatingIpId,
                    current.getPortId(),
                    toPortId,
                    expected);
            return result;
        });
    }

    private static CloudException stale(String floatingIpId, FloatingIp seen, FloatingIpSource expected) {
        return new CloudException(
                Kind.STALE,
                "associate",
                "floating IP " + floatingIpId + " is on " + FloatingIpSource.of(seen) + ", the decision expected "
                        + expected + ": not moved");
    }

    FloatingIp disassociate(String floatingIpId) {
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        return edge.run("disassociate", () -> {
            NetFloatingIP current = currentFip("disassociate", floatingIpId);
            if (current.getPortId() == null) {
                return Mapping.floatingIp(current);
            }
            NetFloatingIP updated =
                    keystone.client(ifMatch(current)).networking().floatingip().disassociateFromPort(floatingIpId);
            FloatingIp result = Mapping.floatingIp(updated);
            if (result.portId() != null) {
                throw new CloudException(
                        Kind.CONFLICT,
                        "disassociate",
                        "floating IP " + floatingIpId + " still points at port " + result.portId());
            }
            LOG.info("floating IP {} ({}) detached from port {}", result.address(), floatingIpId, current.getPortId());
            return result;
        });
    }

    /**
     * Points the floating IP at {@code portId} only if its revision is still {@code revision}: a cloud offering
     * If-Match refuses a stale one (412, CONFLICT). Used by the contract suite to prove the guard is sent.
     */
    FloatingIp associateAtRevision(String floatingIpId, String portId, long revision) {
        return edge.run("associate", () -> {
            Map<String, String> h = new HashMap<>();
            h.put("If-Match", "revision_number=" + revision);
            return Mapping.floatingIp(
                    keystone.client(h).networking().floatingip().associateToPort(floatingIpId, portId));
        });
    }

    /** Whether floating-IP updates are guarded with {@code If-Match: revision_number=N} on this cloud. */
    boolean usesRevisionIfMatch() {
        return edge.run("extensions", neutron::revisionIfMatch);
    }

    // ---- used by the contract suite to set up and clean up; not part of the port ----

    FloatingIp allocate(String floatingNetwork) {
        return edge.run("allocateFloatingIp", () -> {
            OSClientV3 c = keystone.client();
            NetFloatingIP f = c.networking()
                    .floatingip()
                    .create(Builders.netFloatingIP()
                            .floatingNetworkId(names.network(c, floatingNetwork))
                            .build());
            return Mapping.floatingIp(f);
        });
    }

    void release(String floatingIpId) {
        edge.run("releaseFloatingIp", () -> {
            ActionResponse r = keystone.client().networking().floatingip().delete(floatingIpId);
            if (r.isSuccess() || r.getCode() == 404) {
                return null;
            }
            throw Errors.fromStatus("releaseFloatingIp", r.getCode(), r.getFault());
        });
    }

    private NetFloatingIP currentFip(String operation, String floatingIpId) {
        NetFloatingIP f = keystone.client().networking().floatingip().get(floatingIpId);
        if (f == null) {
            throw new CloudException(Kind.NOT_FOUND, operation, "floating IP " + floatingIpId + " not found");
        }
        return f;
    }

    private Map<String, String> ifMatch(NetFloatingIP current) {
        if (current.getRevisionNumber() == null || !neutron.revisionIfMatch()) {
            return null;
        }
        Map<String, String> h = new HashMap<>();
        h.put("If-Match", "revision_number=" + current.getRevisionNumber());
        return h;
    }
}
