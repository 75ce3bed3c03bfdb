package org.sipmediadeploy.sandbox;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side of a {@link Forwarder}. UDP keeps one socket per client flow, bound on the forwarder's address, so
 * the target sees a stable source and replies can be matched back to the client; replies leave from the front
 * socket, i.e. from the forwarded address and port, as NAT does. Each datagram is sent to the target current at
 * that moment, so a move takes effect with the very next datagram; late replies from a previous target are
 * discarded.
 */
final class UdpRelay {
    // Its line was logged as Forwarder before the relays had classes of their own: same logger name.
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final long FLOW_IDLE_MS = 60_000;
    private static final int MAX_FLOWS_PER_PORT = 4096;

    private final Forwarder forwarder;
    private final SourceFaults sourceFaults;
    private final int maxFlows;
    private final Map<String, Flow> flows = new ConcurrentHashMap<>();

    UdpRelay(Forwarder forwarder, SourceFaults sourceFaults, int portCount) {
        this.forwarder = forwarder;
        this.sourceFaults = sourceFaults;
        this.maxFlows = MAX_FLOWS_PER_PORT * portCount;
    }

    /** Binds the front socket of {@code local}, relaying to the same port of the target. */
    ChannelFuture bind(EventLoopGroup group, InetSocketAddress local) {
        return new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new UdpFront(local.getPort()))
                .bind(local);
    }

    void closeFlows() {
        for (Flow flow : flows.values()) {
            var unused = flow.channel.close();
        }
        flows.clear();
    }

    void sweepIdleFlows() {
        long now = System.nanoTime();
        flows.entrySet().removeIf(e -> {
            boolean idle = TimeUnit.NANOSECONDS.toMillis(now - e.getValue().lastUsed) > FLOW_IDLE_MS;
            if (idle) {
                var unused = e.getValue().channel.close();
            }
            return idle;
        });
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
            InetAddress to = forwarder.target();
            if (to == null || forwarder.mode() != TrafficMode.NORMAL) {
                return;
            }
            InetSocketAddress client = packet.sender();
            if (sourceFaults.discards(client.getAddress())) {
                return;
            }
            String key = port + "/" + client;
            Flow flow = flows.get(key);
            if (flow == null) {
                if (flows.size() >= maxFlows) {
                    return;
                }
                Channel front = ctx.channel();
                ChannelFuture bound = new Bootstrap()
                        .group(ctx.channel().eventLoop())
                        .channel(NioDatagramChannel.class)
                        .handler(new UdpBack(front, client, key))
                        .bind(new InetSocketAddress(forwarder.bindAddress(), 0));
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
            if (flow == null
                    || forwarder.mode() != TrafficMode.NORMAL
                    || !packet.sender().equals(flow.sentTo)) {
                return; // a late reply from the previous target, or traffic dropped
            }
            flow.lastUsed = System.nanoTime();
            var unused = front.writeAndFlush(new DatagramPacket(packet.content().retain(), client));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable from a dead target surfaces here on some kernels: not an error of ours.
            LOG.trace("{} udp flow: {}", forwarder.name(), cause.toString());
        }
    }
}
