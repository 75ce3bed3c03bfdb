package org.sipmediadeploy.sandbox;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.sandbox.ApiRoutes.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP port of the sandbox. Keystone owns {@code /} and {@code /v3}; Nova {@code /compute}, Neutron
 * {@code /network}, Glance {@code /image} (as in a DevStack catalog); {@code /control} is the fault and
 * inspection API. For each call: authenticate (services), draw API faults for its operation, apply them, answer.
 * Handlers run on a worker pool, never on the event loop, so held or slowed requests block nothing else.
 * {@link ApiRoutes} knows which service a path goes to, {@link ApiFaultResponses} how each one words an injected
 * fault.
 */
final class HttpFront implements AutoCloseable {
    static final String COMPUTE = "/compute";
    static final String NETWORK = "/network";
    static final String IMAGE = "/image";
    static final String CONTROL = "/control";
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final Keystone keystone;
    private final ApiRoutes routes;
    private final Control control;
    private final ApiFaults faults;
    private final EventLog events;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private Channel server;

    HttpFront(
            Keystone keystone,
            Nova nova,
            Neutron neutron,
            Glance glance,
            Control control,
            ApiFaults faults,
            EventLog events,
            ExecutorService workers,
            ScheduledExecutorService timers) {
        this.keystone = keystone;
        this.routes = new ApiRoutes(keystone, nova, neutron, glance);
        this.control = control;
        this.faults = faults;
        this.events = events;
        this.workers = workers;
        this.timers = timers;
    }

    /** Binds and returns the bound port. */
    int start(EventLoopGroup group, String host, int port) {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind(new InetSocketAddress(host, port))
                .syncUninterruptibly()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
            String path = qs.path();
            while (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            msg.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            ApiRequest req = new ApiRequest(
                    msg.method().name(), path, qs.parameters(), headers, ByteBufUtil.getBytes(msg.content()));
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            try {
                workers.execute(() -> process(ctx, req, keepAlive));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                var unused = ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            var unused = ctx.close();
        }
    }

    private void process(ChannelHandlerContext ctx, ApiRequest req, boolean keepAlive) {
        try {
            Service service = ApiRoutes.serviceOf(req.path());
            if (service == Service.CONTROL) {
                send(ctx, control.handle(req), keepAlive);
                return;
            }
            if (req.method().equals("GET") && routes.versionDoc(service, req.path()) != null) {
                send(ctx, routes.versionDoc(service, req.path()), keepAlive);
                return;
            }
            String op = routes.operation(service, req);
            Caller caller = null;
            if (service != Service.KEYSTONE) {
                Optional<Caller> c = keystone.caller(req.header("X-Auth-Token"));
                if (c.isEmpty()) {
                    send(ctx, Errors.unauthorized(keystone.identityUrl().replace("/v3", "")), keepAlive);
                    return;
                }
                caller = c.get();
            }
            List<ApiFault> fired = faults.draw(op, caller != null ? caller.userName() : tokenRequestUser(req));
            long delay = 0;
            ApiFault terminal = null;
            for (ApiFault f : fired) {
                events.record(
                        "fault.api",
                        caller,
                        op,
                        0,
                        f.kind().name(),
                        Map.of(
                                "operation",
                                op,
                                "method",
                                req.method(),
                                "path",
                                req.path(),
                                "delay_ms",
                                Long.toString(f.delay().toMillis()),
                                "status",
                                Integer.toString(f.status())));
                if (f.kind() == ApiFault.Kind.LATENCY) {
                    delay += f.delay().toMillis();
                } else {
                    terminal = f;
                }
            }
            Caller who = caller;
            ApiFault t = terminal;
            Runnable answer = () -> answer(ctx, req, keepAlive, service, op, who, t);
            if (terminal != null && terminal.kind() == ApiFault.Kind.TIMEOUT) {
                // Held, then dropped unanswered: the client sees its read timeout (or a closed connection).
                var unused = timers.schedule(
                        () -> {
                            var unusedClose = ctx.close();
                        },
                        delay + terminal.delay().toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
            if (delay > 0) {
                var unused = timers.schedule(() -> workers.execute(answer), delay, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("request {} {} failed: {}", req.method(), req.path(), e.toString(), e);
            send(
                    ctx,
                    ApiResponse.json(
                            500,
                            Json.obj(
                                    "error",
                                    Json.obj(
                                            "code",
                                            500,
                                            "message",
                                            "sandbox error",
                                            "title",
                                            "Internal Server Error"))),
                    keepAlive);
        }
    }

    private void answer(
            ChannelHandlerContext ctx,
            ApiRequest req,
            boolean keepAlive,
            Service service,
            String op,
            Caller caller,
            ApiFault terminal) {
        try {
            ApiResponse resp;
            if (terminal != null && terminal.kind() != ApiFault.Kind.NO_VALID_HOST) {
                resp = ApiFaultResponses.of(service, op, terminal, req);
            } else {
                boolean noValidHost = terminal != null && op.equals("server.create");
                resp = routes.dispatch(service, req, caller, noValidHost);
            }
            boolean mutating = !req.method().equals("GET") && !req.method().equals("HEAD");
            if (mutating && resp.status() >= 400 && !op.startsWith("token.")) {
                events.record(
                        op,
                        caller,
                        req.path(),
                        resp.status(),
                        "error " + resp.status(),
                        Map.of(
                                "method",
                                req.method(),
                                "path",
                                req.path(),
                                "injected",
                                Boolean.toString(terminal != null)));
            }
            send(ctx, resp, keepAlive);
        } catch (RuntimeException e) {
            LOG.warn("request {} {} failed: {}", req.method(), req.path(), e.toString(), e);
            send(
                    ctx,
                    ApiResponse.json(
                            500,
                            Json.obj(
                                    "error",
                                    Json.obj(
                                            "code",
                                            500,
                                            "message",
                                            "sandbox error",
                                            "title",
                                            "Internal Server Error"))),
                    keepAlive);
        }
    }

    /** The user a token request names (password method), so user-scoped faults can refuse its login too. */
    private static String tokenRequestUser(ApiRequest req) {
        com.fasterxml.jackson.databind.JsonNode b = req.json();
        return b == null
                ? null
                : Json.text(b.path("auth").path("identity").path("password").path("user"), "name");
    }

    private static void send(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
        FullHttpResponse resp = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
        r.headers().forEach((k, v) -> resp.headers().set(k, v));
        String id = "req-" + UUID.randomUUID();
        resp.headers().set("X-Openstack-Request-Id", id);
        if (r.headers().containsKey("OpenStack-API-Version")) {
            resp.headers().set("X-Compute-Request-Id", id);
        }
        resp.headers().set(HttpHeaderNames.DATE, HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        HttpUtil.setContentLength(resp, r.body().length);
        HttpUtil.setKeepAlive(resp, keepAlive);
        var f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
