package org.sipmediadeploy.sandbox;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP side of a {@link Forwarder}. TCP connections are spliced to the target current when they are accepted,
 * and are closed when the target changes (Neutron flushes conntrack on re-association), so a reconnect lands on
 * the new target.
 */
final class TcpRelay {
    private final Forwarder forwarder;
    private final SourceFaults sourceFaults;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    TcpRelay(Forwarder forwarder, SourceFaults sourceFaults) {
        this.forwarder = forwarder;
        this.sourceFaults = sourceFaults;
    }

    /** Binds the listening socket of {@code local}, splicing each connection to the same port of the target. */
    ChannelFuture bind(EventLoopGroup group, InetSocketAddress local) {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new TcpFront(local.getPort()));
                    }
                })
                .bind(local);
    }

    /** Closes every connection, with a reset when {@code reset} (as a REJECT rule would). */
    void closeConnections(boolean reset) {
        for (Channel c : connections) {
            if (reset && c.isActive()) {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            var unused = c.close();
        }
        connections.clear();
    }

    /**
     * Cuts the established connections from {@code source} under its new fault: reset (REJECT) or black-holed
     * (DROP: the relays discard what they carry).
     */
    void cutConnectionsFrom(InetAddress source, TrafficMode mode) {
        for (Channel c : connections) {
            if (c.remoteAddress() instanceof InetSocketAddress r
                    && r.getAddress().equals(source)) {
                if (mode == TrafficMode.REJECT && c.isActive()) {
                    c.config().setOption(ChannelOption.SO_LINGER, 0);
                    var unused = c.close();
                }
            }
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
            InetAddress to = forwarder.target();
            if (to == null) {
                var unused = front.close();
                return;
            }
            TrafficMode fromSource = sourceFaults.modeOf(front.remoteAddress());
            if (fromSource == TrafficMode.REJECT) {
                front.config().setOption(ChannelOption.SO_LINGER, 0); // RST, as a REJECT rule for that source
                var unused = front.close();
                return;
            }
            connections.add(front);
            front.closeFuture().addListener(f -> connections.remove(front));
            if (forwarder.mode() == TrafficMode.DROP || fromSource == TrafficMode.DROP) {
                front.config().setAutoRead(true); // accept and swallow: the client sees a hang
                return;
            }
            ChannelFuture cf = new Bootstrap()
                    .group(front.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                    .handler(new TcpBack(front))
                    .localAddress(new InetSocketAddress(forwarder.bindAddress(), 0))
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
                    || forwarder.mode() != TrafficMode.NORMAL
                    || !back.isActive()
                    || sourceFaults.modeOf(ctx.channel().remoteAddress()) != TrafficMode.NORMAL) {
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
            if (forwarder.mode() != TrafficMode.NORMAL
                    || sourceFaults.modeOf(front.remoteAddress()) != TrafficMode.NORMAL) {
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
