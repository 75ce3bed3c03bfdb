package org.sipmediadeploy.sandbox;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A UDP and TCP forwarder bound on one loopback address, sending each port to the same port of a target
 * address that can change at any time: a router's DNAT for a floating IP, or a server's own NIC in front of
 * its processes (where the drop/reject faults act).
 *
 * <p>It owns the target, the traffic mode and the listening sockets; {@link UdpRelay} and {@link TcpRelay} carry
 * the traffic (a move takes effect with the next datagram, and closes the TCP connections), {@link SourceFaults}
 * holds the faults of single paths.
 */
final class Forwarder implements AutoCloseable {
    private final String name;
    private final EventLoopGroup group;
    private final InetAddress bind;
    private final List<SandboxConfig.PortSpec> ports;
    private final List<Channel> listeners = new ArrayList<>();
    private final SourceFaults sourceFaults = new SourceFaults();
    private final UdpRelay udp;
    private final TcpRelay tcp;
    private volatile InetAddress target;
    private volatile TrafficMode mode = TrafficMode.NORMAL;

    private ScheduledFuture<?> sweeper;
    private boolean closed;

    Forwarder(
            String name,
            EventLoopGroup group,
            InetAddress bind,
            List<SandboxConfig.PortSpec> ports,
            InetAddress target) {
        this.name = name;
        this.group = group;
        this.bind = bind;
        this.ports = List.copyOf(ports);
        this.target = target;
        this.udp = new UdpRelay(this, sourceFaults, this.ports.size());
        this.tcp = new TcpRelay(this, sourceFaults);
    }

    synchronized void start() {
        bindAll();
        sweeper = group.next().scheduleAtFixedRate(udp::sweepIdleFlows, 10, 10, TimeUnit.SECONDS);
    }

    String name() {
        return name;
    }

    InetAddress bindAddress() {
        return bind;
    }

    InetAddress target() {
        return target;
    }

    TrafficMode mode() {
        return mode;
    }

    /** Points the forwarder at {@code newTarget} (null: forwards nothing, as an unassociated floating IP). */
    void retarget(InetAddress newTarget) {
        InetAddress old = target;
        target = newTarget;
        if (old != null && !old.equals(newTarget)) {
            tcp.closeConnections(false);
        }
    }

    synchronized void mode(TrafficMode newMode) {
        TrafficMode old = mode;
        mode = newMode;
        if (closed || old == newMode) {
            return;
        }
        if (newMode == TrafficMode.REJECT) {
            unbindAll();
            tcp.closeConnections(true);
        } else if (old == TrafficMode.REJECT) {
            bindAll();
        }
    }

    /**
     * Drops or rejects what {@code source} sends here (NORMAL removes it), and/or loses each datagram from
     * {@code source} with probability {@code loss} drawn from a generator seeded with {@code seed}. Other sources
     * are untouched. REJECT answers TCP with a reset; for UDP it drops (userspace cannot send the ICMP error for one
     * source only, and the probes' unconnected UDP sockets ignore ICMP anyway). Loss applies to UDP datagrams from
     * the source (the request direction); TCP would retransmit them, so TCP is not lost.
     */
    void sourceFault(InetAddress source, TrafficMode newMode, double loss, long seed) {
        sourceFaults.set(source, newMode, loss, seed);
        if (newMode != TrafficMode.NORMAL) {
            // established TCP connections from that source are cut too: reset (REJECT) or black-holed (DROP)
            tcp.cutConnectionsFrom(source, newMode);
        }
    }

    /** The faults per source, as {@code source -> "MODE loss=R"}. */
    Map<String, String> sourceFaults() {
        return sourceFaults.describe();
    }

    void clearSourceFaults() {
        sourceFaults.clear();
    }

    private void bindAll() {
        for (SandboxConfig.PortSpec p : ports) {
            InetSocketAddress local = new InetSocketAddress(bind, p.port());
            ChannelFuture f =
                    p.protocol() == SandboxConfig.Protocol.UDP ? udp.bind(group, local) : tcp.bind(group, local);
            f.syncUninterruptibly();
            listeners.add(f.channel());
        }
    }

    private void unbindAll() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
        listeners.clear();
        udp.closeFlows();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        unbindAll();
        tcp.closeConnections(false);
    }
}
