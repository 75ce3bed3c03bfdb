package org.sipmediadeploy.openstack;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.ScalerEvents;

/**
 * {@link Cloud} on OpenStack through openstack4j: Nova for servers, Neutron for ports and floating IPs. Every
 * operation looks before it acts, so running it again (after a crash, a timeout or a retry) is safe, and "already
 * so" is success. Thread-safe.
 *
 * <p>Wiring and the port's face only: the operations live in {@link Servers}, {@link Ports} and
 * {@link FloatingIps}, which share one token ({@link Keystone}), one retry edge ({@link Edge}) and one name cache
 * ({@link Names}).
 */
public final class OpenStackCloud implements Cloud {
    private final OpenStackSettings settings;
    private final Keystone keystone;
    private final Edge edge;
    private final Servers servers;
    private final Ports ports;
    private final FloatingIps floatingIps;

    private OpenStackCloud(OpenStackSettings settings, Keystone keystone, Edge edge, Clock clock) {
        this.settings = settings;
        this.keystone = keystone;
        this.edge = edge;
        Names names = new Names(clock);
        this.servers = new Servers(keystone, edge, names);
        this.ports = new Ports(keystone, edge, names);
        this.floatingIps = new FloatingIps(keystone, edge, names, new Neutron(keystone));
    }

    /** An adapter for one cloud; it authenticates on its first call. */
    public static OpenStackCloud create(OpenStackSettings settings, ScalerEvents events) {
        return create(settings, events, Clock.systemUTC());
    }

    static OpenStackCloud create(OpenStackSettings settings, ScalerEvents events, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Transport transport = Transport.of(settings);
        Keystone keystone = new Keystone(settings, transport, clock);
        Edge edge = new Edge(
                keystone, events == null ? ScalerEvents.NONE : events, settings.maxAttempts(), settings.retryBackoff());
        return new OpenStackCloud(settings, keystone, edge, clock);
    }

    /** Authenticates now (instead of on the first call): a way to check credentials at start-up. */
    public void authenticate() {
        edge.run("authenticate", () -> keystone.token() == null ? null : Boolean.TRUE);
    }

    OpenStackSettings settings() {
        return settings;
    }

    Keystone keystone() {
        return keystone;
    }

    @Override
    public List<Server> listServers(String tag, String namePrefix) {
        return servers.list(tag, namePrefix);
    }

    @Override
    public Optional<Server> server(String serverId) {
        return servers.get(serverId);
    }

    @Override
    public Optional<Server> findByDecision(String tag, String decisionId) {
        return servers.findByDecision(tag, decisionId);
    }

    @Override
    public Server createServer(ServerSpec spec) {
        return servers.create(spec);
    }

    @Override
    public void deleteServer(String serverId) {
        servers.delete(serverId);
    }

    @Override
    public Optional<Port> portOf(String serverId, String network) {
        return ports.of(serverId, network);
    }

    @Override
    public Port ensurePort(String network, String name, List<String> securityGroups) {
        return ports.ensure(network, name, securityGroups);
    }

    @Override
    public void deletePort(String portId) {
        ports.delete(portId);
    }

    @Override
    public Optional<FloatingIp> floatingIpByAddress(String address) {
        return floatingIps.byAddress(address);
    }

    @Override
    public FloatingIp associate(String floatingIpId, String portId) {
        return floatingIps.associate(floatingIpId, portId);
    }

    @Override
    public FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard) {
        return floatingIps.move(floatingIpId, toPortId, expected, guard);
    }

    @Override
    public FloatingIp disassociate(String floatingIpId) {
        return floatingIps.disassociate(floatingIpId);
    }

    // ---- used by the contract suite (see FloatingIps); not part of the port ----

    FloatingIp associateAtRevision(String floatingIpId, String portId, long revision) {
        return floatingIps.associateAtRevision(floatingIpId, portId, revision);
    }

    boolean usesRevisionIfMatch() {
        return floatingIps.usesRevisionIfMatch();
    }

    FloatingIp allocateFloatingIp(String floatingNetwork) {
        return floatingIps.allocate(floatingNetwork);
    }

    void releaseFloatingIp(String floatingIpId) {
        floatingIps.release(floatingIpId);
    }
}
