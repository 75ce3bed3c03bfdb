package org.sipmediadeploy.sandbox;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP and TCP forwarder bound on one loopback address, sending each port to the same port of a target
 * address that can change at any time: a router's DNAT for a floating IP, or a server's own NIC in front of
 * its processes (where the drop/reject faults act).
 *
 * <p>UDP keeps one socket per client flow, bound on this forwarder's address, so the target sees a stable source
 * and replies can be matched back to the client; replies leave from the front socket, i.e. from the forwarded
 * address and port, as NAT does. Each datagram is sent to the target current at that moment, so a move takes
 * effect with the very next datagram; late replies from a previous target are discarded. TCP connections are
 * spliced to the target current when they are accepted, and are closed when the target changes (Neutron
 * flushes conntrack on re-association), so a reconnect lands on the new target.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final long FLOW_IDLE_MS = 60_000;
    private static final int MAX_FLOWS_PER_PORT = 4096;

    private final String name;
    private final EventLoopGroup group;
    private final InetAddress bind;
    private final List<SandboxConfig.PortSpec> ports;
    private final List<Channel> listeners = new ArrayList<>();
    private final Set<Channel> tcpConnections = ConcurrentHashMap.newKeySet();
    private final Map<String, Flow> flows = new ConcurrentHashMap<>();
    private volatile InetAddress target;
    private volatile TrafficMode mode = TrafficMode.NORMAL;
    /** Faults on one path only (a source address to this forwarder), by source. */
    private final Map<InetAddress, SourceFault> sourceFaults = new ConcurrentHashMap<>();

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
    }

    synchronized void start() {
        bindAll();
        sweeper = group.next().scheduleAtFixedRate(this::sweepFlows, 10, 10, TimeUnit.SECONDS);
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
            closeTcpConnections(false);
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
            closeTcpConnections(true);
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
        if (loss < 0 || loss > 1 || Double.isNaN(loss)) {
            throw new IllegalArgumentException("loss must be within 0..1, was " + loss);
        }
        if (newMode == TrafficMode.NORMAL && loss == 0) {
            sourceFaults.remove(source);
            return;
        }
        sourceFaults.put(source, new SourceFault(newMode, loss, new Random(seed)));
        if (newMode != TrafficMode.NORMAL) {
            // established TCP connections from that source are cut too: reset (REJECT) or black-holed (DROP)
            for (Channel c : tcpConnections) {
                if (c.remoteAddress() instanceof InetSocketAddress r
                        && r.getAddress().equals(source)) {
                    if (newMode == TrafficMode.REJECT && c.isActive()) {
                        c.config().setOption(ChannelOption.SO_LINGER, 0);
                        var unused = c.close();
                    }
                }
            }
        }
    }

    /** The faults per source, as {@code source -> "MODE loss=R"}. */
    Map<String, String> sourceFaults() {
        Map<String, String> m = new java.util.TreeMap<>();
        sourceFaults.forEach((k, v) -> m.put(k.getHostAddress(), v.mode() + " loss=" + v.loss()));
        return m;
    }

    void clearSourceFaults() {
        sourceFaults.clear();
    }

    /** True when a datagram from {@code source} must be discarded now (its path is cut, or this one is lost). */
    private boolean discards(InetAddress source) {
        SourceFault f = sourceFaults.get(source);
        if (f == null) {
            return false;
        }
        if (f.mode() != TrafficMode.NORMAL) {
            return true;
        }
        synchronized (f) {
            return f.random().nextDouble() < f.loss();
        }
    }

    private TrafficMode sourceMode(java.net.SocketAddress remote) {
        if (remote instanceof InetSocketAddress r) {
            SourceFault f = sourceFaults.get(r.getAddress());
            if (f != null) {
                return f.mode();
            }
        }
        return TrafficMode.NORMAL;
    }

    private record SourceFault(TrafficMode mode, double loss, Random random) {}

    private void bindAll() {
        for (SandboxConfig.PortSpec p : ports) {
            InetSocketAddress local = new InetSocketAddress(bind, p.port());
            ChannelFuture f;
            if (p.protocol() == SandboxConfig.Protocol.UDP) {
                f = new Bootstrap()
                        .group(group)
                        .channel(NioDatagramChannel.class)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .handler(new UdpFront(p.port()))
                        .bind(local);
            } else {
                f = new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new TcpFront(p.port()));
                            }
                        })
                        .bind(local);
            }
            f.syncUninterruptibly();
            listeners.add(f.channel());
        }
    }

    private void unbindAll() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
        listeners.clear();
        for (Flow flow : flows.values()) {
            var unused = flow.channel.close();
        }
        flows.clear();
    }

    private void closeTcpConnections(boolean reset) {
        for (Channel c : tcpConnections) {
            if (reset && c.isActive()) {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            var unused = c.close();
        }
        tcpConnections.clear();
    }

    private void sweepFlows() {
        long now = System.nanoTime();
        flows.entrySet().removeIf(e -> {
            boolean idle = TimeUnit.NANOSECONDS.toMillis(now - e.getValue().lastUsed) > FLOW_IDLE_MS;
            if (idle) {
                var unused = e.getValue().channel.close();
            }
            return idle;
        });
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
        closeTcpConnections(false);
    }

    /** One client's UDP flow: its own socket towards the target, and the target it last sent to. */
    private static final class Flow {
        final Channel channel;
        final ChannelFuture ready;
        volatile InetSocketAddress sentTo;
        volatile long lastUsed = System.nanoTime();

        Flow(ChannelFuture ready) {
            this.ready = ready;
            this.channel = ready.channel();
        }
    }

    private final class UdpFront extends SimpleChannelInboundHandler<DatagramPacket> {
        private final int port;

        UdpFront(int port) {
            this.port = port;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetAddress to = target;
            if (to == null || mode != TrafficMode.NORMAL) {
                return;
            }
            InetSocketAddress client = packet.sender();
            if (discards(client.getAddress())) {
                return;
            }
            String key = port + "/" + client;
            Flow flow = flows.get(key);
            if (flow == null) {
                if (flows.size() >= MAX_FLOWS_PER_PORT * ports.size()) {
                    return;
                }
                Channel front = ctx.channel();
                ChannelFuture bound = new Bootstrap()
                        .group(ctx.channel().eventLoop())
                        .channel(NioDatagramChannel.class)
                        .handler(new UdpBack(front, client, key))
                        .bind(new InetSocketAddress(bind, 0));
                flow = new Flow(bound);
                flows.put(key, flow);
            }
            Flow f = flow;
            f.lastUsed = System.nanoTime();
            InetSocketAddress dest = new InetSocketAddress(to, port);
            f.sentTo = dest;
            ByteBuf content = packet.content().retainedDuplicate();
            f.ready.addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    var unused = f.channel.writeAndFlush(new DatagramPacket(content, dest));
                } else {
                    content.release();
                }
            });
        }
    }

    private final class UdpBack extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Channel front;
        private final InetSocketAddress client;
        private final String key;

        UdpBack(Channel front, InetSocketAddress client, String key) {
            this.front = front;
            this.client = client;
            this.key = key;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            Flow flow = flows.get(key);
            if (flow == null || mode != TrafficMode.NORMAL || !packet.sender().equals(flow.sentTo)) {
                return; // a late reply from the previous target, or traffic dropped
            }
            flow.lastUsed = System.nanoTime();
            var unused = front.writeAndFlush(new DatagramPacket(packet.content().retain(), client));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable from a dead target surfaces here on some kernels: not an error of ours.
            LOG.trace("{} udp flow: {}", name, cause.toString());
        }
    }

    private final class TcpFront extends ChannelInboundHandlerAdapter {
        private final int port;
        private Channel back;

        TcpFront(int port) {
            this.port = port;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel front = ctx.channel();
            InetAddress to = target;
            if (to == null) {
                var unused = front.close();
                return;
            }
            TrafficMode fromSource = sourceMode(front.remoteAddress());
            if (fromSource == TrafficMode.REJECT) {
                front.config().setOption(ChannelOption.SO_LINGER, 0); // RST, as a REJECT rule for that source
                var unused = front.close();
                return;
            }
            tcpConnections.add(front);
            front.closeFuture().addListener(f -> tcpConnections.remove(front));
            if (mode == TrafficMode.DROP || fromSource == TrafficMode.DROP) {
                front.config().setAutoRead(true); // accept and swallow: the client sees a hang
                return;
            }
            ChannelFuture cf = new Bootstrap()
                    .group(front.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                    .handler(new TcpBack(front))
                    .localAddress(new InetSocketAddress(bind, 0))
                    .connect(new InetSocketAddress(to, port));
            back = cf.channel();
            cf.addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    front.config().setAutoRead(true);
                } else {
                    front.config().setOption(ChannelOption.SO_LINGER, 0);
                    var unused = front.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (back == null
                    || mode != TrafficMode.NORMAL
                    || !back.isActive()
                    || sourceMode(ctx.channel().remoteAddress()) != TrafficMode.NORMAL) {
                ReferenceCountUtil.release(msg);
                return;
            }
            var unused = back.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (back != null) {
                var unused = back.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            var unused = ctx.close();
        }
    }

    private final class TcpBack extends ChannelInboundHandlerAdapter {
        private final Channel front;

        TcpBack(Channel front) {
            this.front = front;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (mode != TrafficMode.NORMAL || sourceMode(front.remoteAddress()) != TrafficMode.NORMAL) {
                ReferenceCountUtil.release(msg);
                return;
            }
            var unused = front.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            var unused = front.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            var unused = ctx.close();
        }
    }
}
