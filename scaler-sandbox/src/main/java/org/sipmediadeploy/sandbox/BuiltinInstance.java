package org.sipmediadeploy.sandbox;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Built-in responders for servers whose image is not Kamailio or Coturn (or when those are not installed):
 * SIP over UDP and TCP on 5060 (200 to OPTIONS), STUN Binding over UDP on 3478, and a SIPMediaGW-style
 * status endpoint {@code GET /status} on 8080 whose idle count follows the calls started and ended through
 * {@link #startCall()} / {@link #endCall()}. Freezing emulates SIGSTOP: sockets stay open, nothing answers.
 */
final class BuiltinInstance implements Instance {
    static final int SIP_PORT = 5060;
    static final int STUN_PORT = 3478;
    static final int STATUS_PORT = 8080;

    private final EventLoopGroup group;
    private final InetAddress host;
    private final String name;
    private final int gateways;
    private final List<Channel> channels = new ArrayList<>();
    private volatile boolean frozen;
    private volatile boolean alive;
    private int busy;
    private boolean canBeTerminated;

    BuiltinInstance(EventLoopGroup group, InetAddress host, String name, int gateways) {
        this.group = group;
        this.host = host;
        this.name = name;
        this.gateways = gateways;
    }

    @Override
    public String kind() {
        return "builtin";
    }

    @Override
    public List<SandboxConfig.PortSpec> ports() {
        return List.of(
                new SandboxConfig.PortSpec(SandboxConfig.Protocol.UDP, SIP_PORT),
                new SandboxConfig.PortSpec(SandboxConfig.Protocol.TCP, SIP_PORT),
                new SandboxConfig.PortSpec(SandboxConfig.Protocol.UDP, STUN_PORT),
                new SandboxConfig.PortSpec(SandboxConfig.Protocol.TCP, STATUS_PORT));
    }

    @Override
    public synchronized void start() {
        if (alive) {
            return;
        }
        String server = "sandbox-builtin " + name;
        channels.add(new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        if (frozen) {
                            return;
                        }
                        String reply = SipMessages.replyTo(
                                p.content().toString(StandardCharsets.UTF_8),
                                server,
                                p.sender().getAddress().getHostAddress(),
                                p.sender().getPort());
                        if (reply != null) {
                            var unused = ctx.writeAndFlush(new DatagramPacket(
                                    Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8), p.sender()));
                        }
                    }
                })
                .bind(new InetSocketAddress(host, SIP_PORT))
                .syncUninterruptibly()
                .channel());
        channels.add(new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new SipTcp(server));
                    }
                })
                .bind(new InetSocketAddress(host, SIP_PORT))
                .syncUninterruptibly()
                .channel());
        channels.add(new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        if (frozen) {
                            return;
                        }
                        byte[] reply = Stun.bindingResponse(ByteBufUtil.getBytes(p.content()), p.sender(), server);
                        if (reply != null) {
                            var unused =
                                    ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), p.sender()));
                        }
                    }
                })
                .bind(new InetSocketAddress(host, STUN_PORT))
                .syncUninterruptibly()
                .channel());
        channels.add(new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new StatusHandler());
                    }
                })
                .bind(new InetSocketAddress(host, STATUS_PORT))
                .syncUninterruptibly()
                .channel());
        alive = true;
        frozen = false;
    }

    /** Takes one idle gateway; false when none is idle. */
    synchronized boolean startCall() {
        if (busy >= gateways) {
            return false;
        }
        busy++;
        return true;
    }

    /** Frees one gateway; false when none was busy. */
    synchronized boolean endCall() {
        if (busy == 0) {
            return false;
        }
        busy--;
        return true;
    }

    synchronized int idle() {
        return gateways - busy;
    }

    synchronized void canBeTerminated(boolean value) {
        canBeTerminated = value;
    }

    private synchronized byte[] statusJson() {
        return Json.bytes(Json.obj(
                "idle", gateways - busy, "busy", busy, "total", gateways, "can_be_terminated", canBeTerminated));
    }

    @Override
    public synchronized void kill() {
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
        channels.clear();
        alive = false;
        frozen = false;
    }

    @Override
    public void freeze() {
        frozen = true;
    }

    @Override
    public void resume() {
        frozen = false;
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public boolean frozen() {
        return frozen;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        kill();
    }

    private final class SipTcp extends SimpleChannelInboundHandler<ByteBuf> {
        private final String server;
        private final StringBuilder buffer = new StringBuilder();

        SipTcp(String server) {
            this.server = server;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            if (frozen) {
                return;
            }
            buffer.append(msg.toString(StandardCharsets.UTF_8));
            if (buffer.length() > 65536) {
                var unused = ctx.close();
                return;
            }
            int len;
            while ((len = SipMessages.messageLength(buffer.toString())) > 0) {
                String request = buffer.substring(0, len);
                buffer.delete(0, len);
                InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                String reply =
                        SipMessages.replyTo(request, server, remote.getAddress().getHostAddress(), remote.getPort());
                if (reply != null) {
                    var unused = ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private final class StatusHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (frozen) {
                return; // hung: the caller's timeout decides
            }
            FullHttpResponse resp;
            @SuppressWarnings("StringSplitter") // kept: a bare "?" URI fails here as it always did
            String path = req.uri().split("\\?")[0];
            if (path.equals("/status")) {
                resp = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(statusJson()));
                resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            } else {
                resp = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_FOUND,
                        Unpooled.copiedBuffer("not found\n", StandardCharsets.UTF_8));
                resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            }
            HttpUtil.setContentLength(resp, resp.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(resp, keepAlive);
            var f = ctx.writeAndFlush(resp);
            if (!keepAlive) {
                f.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }
    }
}
