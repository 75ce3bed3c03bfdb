package org.sipmediadeploy.daemon.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator with a JSON 413 instead of its empty one. On a keep-alive request the connection stays open
 * and the rest of the oversized body is discarded by the aggregator, so the client reads the answer.
 */
final class LimitedAggregator extends HttpObjectAggregator {
    private final int limit;

    LimitedAggregator(int maxContentLength) {
        super(maxContentLength);
        this.limit = maxContentLength;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        boolean keepAlive = !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
        FullHttpResponse response = Reply.error(
                        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "too_large",
                        "request body larger than " + limit + " bytes")
                .toNetty();
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            var unused = ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
