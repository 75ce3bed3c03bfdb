package org.sipmediadeploy.daemon.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.core.model.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP/1.1 API (Netty). Routes, status codes and the JSON they return are documented on
 * {@link AdminHandler}. Every route except {@code /health/*} needs the bearer token, and so does {@code /metrics}
 * unless {@link Settings#metricsOpen()} (for a Prometheus that scrapes without a token).
 *
 * <p>Binds only where it is told, and refuses a non-loopback address unless {@link Settings#allowNonLoopback()}:
 * the API can move floating IPs, so exposing it must be a deliberate choice.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** Request bodies are tiny ({"to": "kam-b"}); anything larger is refused with 413. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    /** Connections that send nothing for this long are closed. */
    static final int IDLE_SECONDS = 30;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup handlers;
    private final Channel channel;

    /**
     * Where and how to serve. {@code port} 0 picks a free port (see {@link #address()}).
     */
    public record Settings(
            String bind, int port, Secret token, boolean allowNonLoopback, boolean metricsOpen, int maxBodyBytes) {
        public Settings {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(token, "token");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("admin port out of range: " + port);
            }
            if (maxBodyBytes <= 0) {
                throw new IllegalArgumentException("maxBodyBytes must be > 0");
            }
        }

        /** Loopback only, token on {@code /metrics} too, default body limit. */
        public static Settings of(String bind, int port, Secret token) {
            return new Settings(bind, port, token, false, false, DEFAULT_MAX_BODY_BYTES);
        }
    }

    private AdminServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup handlers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.handlers = handlers;
        this.channel = channel;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalArgumentException the bind address is not loopback and that was not allowed, or it does not
     *                                  resolve, or the token is empty
     * @throws IllegalStateException    the address cannot be bound (in use, not local)
     */
    public static AdminServer start(Settings settings, AdminBackend backend) {
        Objects.requireNonNull(backend, "backend");
        InetAddress address = resolve(settings);
        BearerToken token = new BearerToken(settings.token());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("admin-accept", true), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                2, new DefaultThreadFactory("admin-io", true), NioIoHandler.newFactory());
        // backend calls may wait on a Raft commit: keep them off the I/O threads
        EventExecutorGroup handlers = new DefaultEventExecutorGroup(2, new DefaultThreadFactory("admin-worker", true));
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 64)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    // an idle or trickling client must not hold a connection forever
                                    .addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS))
                                    .addLast("codec", new HttpServerCodec(4096, 8192, 8192))
                                    .addLast("aggregate", new LimitedAggregator(settings.maxBodyBytes()))
                                    .addLast(
                                            handlers,
                                            "admin",
                                            new AdminHandler(backend, token, settings.metricsOpen()));
                        }
                    });
            Channel ch = b.bind(new InetSocketAddress(address, settings.port()))
                    .syncUninterruptibly()
                    .channel();
            AdminServer server = new AdminServer(boss, workers, handlers, ch);
            log.info("admin API listening on {}", server.uri());
            return server;
        } catch (Exception e) {
            // Netty rethrows the bind's checked exception (BindException) without declaring it
            shutdown(boss, workers, handlers);
            throw new IllegalStateException(
                    "cannot bind the admin API to " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(),
                    e);
        }
    }

    private static InetAddress resolve(Settings settings) {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.bind());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("admin bind address does not resolve: " + settings.bind(), e);
        }
        if (!address.isLoopbackAddress() && !settings.allowNonLoopback()) {
            throw new IllegalArgumentException("refusing to bind the admin API to non-loopback address "
                    + settings.bind() + " (allow it explicitly if this is intended)");
        }
        return address;
    }

    /** The bound address (with the real port when 0 was asked). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code http://host:port} of this server, for clients. */
    public URI uri() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    /** Stops accepting, closes connections and the worker threads. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown(boss, workers, handlers);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup handlers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        handlers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
