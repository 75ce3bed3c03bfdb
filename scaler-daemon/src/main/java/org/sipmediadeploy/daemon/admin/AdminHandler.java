package org.sipmediadeploy.daemon.admin;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.state.ClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one request to the backend and writes the answer.
 *
 * <pre>
 * GET  /health/live              no token   200 {"status":"live"}     | 503 {"status":"not_live"}
 * GET  /health/ready             no token   200 {"status":"ready"}    | 503 {"status":"not_ready"}
 * GET  /metrics                  token*     200 Prometheus text (* no token when configured open)
 * GET  /v1/status                token      200 StatusView
 * GET  /v1/history?limit=N       token      200 {"decisions":[...]} newest first, N in 1..500 (default 50)
 * POST /v1/pairs/{name}/failover token      body optional {"to":"member"}; 200 | 404 | 409 | 503
 * POST /v1/pools/{name}/pause    token      200 | 404 | 409 | 503
 * POST /v1/pools/{name}/resume   token      200 | 404 | 409 | 503
 * POST /v1/hosts/{id}/drain      token      200 | 404 | 409 | 503
 * POST /v1/members/{id}/add      token      body {"address":"host:port"}; 200 | 400 | 409 | 503
 * POST /v1/members/{id}/remove   token      200 | 404 | 409 | 503
 * POST /v1/members/{id}/replace  token      body {"by":"newId","address":"host:port"}; 200 | 400 | 404 | 409 | 503
 * </pre>
 * Errors are {"error": code, "detail": text}: 400 bad_request (malformed JSON, bad name or limit), 401
 * unauthorized (with {@code WWW-Authenticate: Bearer}), 404 not_found, 405 method_not_allowed (with
 * {@code Allow}), 413 too_large, 500 internal (details only in the log). The token is checked before the route:
 * without it, every path but the health checks (and an open {@code /metrics}) answers 401.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    static final int DEFAULT_HISTORY = 50;

    private final AdminBackend backend;
    private final BearerToken token;
    private final boolean metricsOpen;
    private final OperatorRequests operator;

    AdminHandler(AdminBackend backend, BearerToken token, boolean metricsOpen) {
        this.backend = backend;
        this.token = token;
        this.metricsOpen = metricsOpen;
        this.operator = new OperatorRequests(backend);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Reply answer;
        try {
            answer = route(req);
        } catch (RuntimeException e) {
            log.error("admin request {} {} failed", req.method(), pathOf(req), e);
            answer = Reply.error(
                    HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error; see the scaler log");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
        FullHttpResponse response = answer.toNetty();
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset connection or a client gone mid-request: nothing to answer
        log.debug("admin connection closed on error: {}", cause.toString());
        var unused = ctx.close();
    }

    private Reply route(FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the request could not be parsed");
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.rawPath();
        HttpMethod method = req.method();
        if (path.equals("/health/live")) {
            return only(HttpMethod.GET, method, () -> health(backend.live(), "live"));
        }
        if (path.equals("/health/ready")) {
            return only(HttpMethod.GET, method, () -> health(backend.ready(), "ready"));
        }
        if (path.equals("/metrics") && metricsOpen) {
            return only(HttpMethod.GET, method, () -> Reply.text(Reply.PROMETHEUS, backend.prometheus()));
        }
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (!token.matches(authorization)) {
            String challenge = authorization == null
                    ? "Bearer realm=\"scaler\""
                    : "Bearer realm=\"scaler\", error=\"invalid_token\"";
            return Reply.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "a valid bearer token is required")
                    .withHeader("WWW-Authenticate", challenge);
        }
        if (path.equals("/metrics")) {
            return only(HttpMethod.GET, method, () -> Reply.text(Reply.PROMETHEUS, backend.prometheus()));
        }
        if (path.equals("/v1/status")) {
            return only(
                    HttpMethod.GET,
                    method,
                    () -> Reply.json(
                            HttpResponseStatus.OK,
                            java.util.Objects.requireNonNull(
                                    backend.status(), "the admin backend returned no status")));
        }
        if (path.equals("/v1/history")) {
            return only(HttpMethod.GET, method, () -> history(uri));
        }
        String[] seg = path.split("/", -1);
        if (seg.length == 5 && seg[0].isEmpty() && seg[1].equals("v1")) {
            String collection = seg[2];
            String verb = seg[4];
            if (collection.equals("pairs") && verb.equals("failover")) {
                return only(HttpMethod.POST, method, () -> operator.failover(seg[3], req));
            }
            if (collection.equals("pools") && verb.equals("pause")) {
                return only(HttpMethod.POST, method, () -> operator.action(seg[3], req, backend::pausePool));
            }
            if (collection.equals("pools") && verb.equals("resume")) {
                return only(HttpMethod.POST, method, () -> operator.action(seg[3], req, backend::resumePool));
            }
            if (collection.equals("hosts") && verb.equals("drain")) {
                return only(HttpMethod.POST, method, () -> operator.action(seg[3], req, backend::drainHost));
            }
            if (collection.equals("members") && verb.equals("add")) {
                return only(HttpMethod.POST, method, () -> operator.member(seg[3], req, false));
            }
            if (collection.equals("members") && verb.equals("remove")) {
                return only(HttpMethod.POST, method, () -> operator.action(seg[3], req, backend::removeMember));
            }
            if (collection.equals("members") && verb.equals("replace")) {
                return only(HttpMethod.POST, method, () -> operator.member(seg[3], req, true));
            }
        }
        return Reply.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such route: " + clip(path));
    }

    private static Reply only(HttpMethod allowed, HttpMethod method, Supplier<Reply> then) {
        if (!allowed.equals(method)) {
            return Reply.error(
                            HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "method_not_allowed",
                            method.name() + " is not allowed here; use " + allowed.name())
                    .withHeader("Allow", allowed.name());
        }
        return then.get();
    }

    private static Reply health(boolean ok, String what) {
        return Reply.json(
                ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                Map.of("status", ok ? what : "not_" + what));
    }

    private Reply history(QueryStringDecoder uri) {
        int limit = DEFAULT_HISTORY;
        List<String> given = uri.parameters().get("limit");
        if (given != null && !given.isEmpty()) {
            try {
                limit = Integer.parseInt(given.get(0));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > ClusterState.HISTORY_LIMIT) {
                return Reply.error(
                        HttpResponseStatus.BAD_REQUEST,
                        "bad_request",
                        "limit must be an integer in 1.." + ClusterState.HISTORY_LIMIT);
            }
        }
        List<DecisionRecord> records =
                java.util.Objects.requireNonNull(backend.history(limit), "the admin backend returned no history");
        List<DecisionView> views = records.stream()
                .sorted(Comparator.comparingLong(DecisionRecord::index).reversed())
                .limit(limit)
                .map(DecisionView::of)
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("decisions", views);
        return Reply.json(HttpResponseStatus.OK, body);
    }

    private static String pathOf(FullHttpRequest req) {
        return clip(new QueryStringDecoder(req.uri()).rawPath());
    }

    private static String clip(String s) {
        return OperatorRequests.clip(s);
    }
}
