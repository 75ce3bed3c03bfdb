package org.sipmediadeploy.daemon.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's POST requests (failover, pool pause/resume, host drain, member add/remove/replace): names and
 * bodies checked before anything reaches the backend, and the backend's {@link ActionResult} mapped to HTTP.
 */
final class OperatorRequests {
    /** Names of pairs, pools, hosts and members: what configs and the cloud use, nothing that needs escaping. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}");
    /** A Raft member address: host (name, IPv4, or bracketed IPv6) and port. */
    private static final Pattern ADDRESS =
            Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]):[0-9]{1,5}");

    private final AdminBackend backend;

    OperatorRequests(AdminBackend backend) {
        this.backend = backend;
    }

    Reply failover(String rawName, FullHttpRequest req) {
        Optional<String> name = name(rawName);
        if (name.isEmpty()) {
            return badName(rawName);
        }
        JsonNode body;
        try {
            body = body(req);
        } catch (BadBody e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
        Optional<String> to = Optional.empty();
        if (body != null) {
            var fields = body.fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (!f.equals("to")) {
                    return Reply.error(
                            HttpResponseStatus.BAD_REQUEST,
                            "bad_request",
                            "unknown field \"" + clip(f) + "\"; the only field is \"to\"");
                }
            }
            JsonNode t = body.get("to");
            if (t != null && !t.isNull()) {
                if (!t.isTextual() || name(t.asText()).isEmpty()) {
                    return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "\"to\" must be a member name");
                }
                to = Optional.of(t.asText());
            }
        }
        return result(backend.failover(name.get(), to));
    }

    /** add ({"address"}) or replace ({"by","address"}) of a Raft member; the fields are required and checked. */
    Reply member(String rawName, FullHttpRequest req, boolean replace) {
        Optional<String> name = name(rawName);
        if (name.isEmpty()) {
            return badName(rawName);
        }
        JsonNode body;
        try {
            body = body(req);
        } catch (BadBody e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
        List<String> allowed = replace ? List.of("by", "address") : List.of("address");
        if (body == null) {
            return Reply.error(
                    HttpResponseStatus.BAD_REQUEST, "bad_request", "a JSON body with " + allowed + " is required");
        }
        var fields = body.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!allowed.contains(f)) {
                return Reply.error(
                        HttpResponseStatus.BAD_REQUEST,
                        "bad_request",
                        "unknown field \"" + clip(f) + "\"; the fields are " + allowed);
            }
        }
        JsonNode address = body.get("address");
        if (address == null
                || !address.isTextual()
                || !ADDRESS.matcher(address.asText()).matches()) {
            return Reply.error(
                    HttpResponseStatus.BAD_REQUEST,
                    "bad_request",
                    "\"address\" must be the new member's Raft address, host:port");
        }
        if (!replace) {
            return result(backend.addMember(name.get(), address.asText()));
        }
        JsonNode by = body.get("by");
        if (by == null || !by.isTextual() || name(by.asText()).isEmpty()) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "\"by\" must be the new member's id");
        }
        return result(backend.replaceMember(name.get(), by.asText(), address.asText()));
    }

    Reply action(String rawName, FullHttpRequest req, java.util.function.Function<String, ActionResult> call) {
        Optional<String> name = name(rawName);
        if (name.isEmpty()) {
            return badName(rawName);
        }
        try {
            // no fields are defined; a body, if any, must still be a JSON object
            body(req);
        } catch (BadBody e) {
            return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
        return result(call.apply(name.get()));
    }

    private static Reply result(ActionResult r) {
        if (r == null) {
            throw new IllegalStateException("the admin backend returned no result");
        }
        if (r instanceof ActionResult.Accepted a) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("result", "accepted");
            body.put("decision_id", a.decisionId());
            body.put("detail", a.detail());
            return Reply.json(HttpResponseStatus.OK, body);
        }
        if (r instanceof ActionResult.NotFound n) {
            return Reply.error(HttpResponseStatus.NOT_FOUND, "not_found", n.detail());
        }
        if (r instanceof ActionResult.Refused f) {
            return Reply.error(HttpResponseStatus.CONFLICT, "refused", f.reason());
        }
        if (r instanceof ActionResult.Unavailable u) {
            return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", u.reason());
        }
        throw new AssertionError(r);
    }

    /** The request's JSON object, or null for an empty body. */
    private static JsonNode body(FullHttpRequest req) throws BadBody {
        if (req.content().readableBytes() == 0) {
            return null;
        }
        byte[] bytes = ByteBufUtil.getBytes(req.content());
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadBody("malformed JSON body");
        } catch (java.io.IOException e) {
            throw new BadBody("unreadable body");
        }
        if (node == null || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            throw new BadBody("the body must be a JSON object");
        }
        return node;
    }

    private static Optional<String> name(String raw) {
        String decoded;
        try {
            decoded = QueryStringDecoder.decodeComponent(raw);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return NAME.matcher(decoded).matches() ? Optional.of(decoded) : Optional.empty();
    }

    private static Reply badName(String raw) {
        return Reply.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "not a valid name: " + clip(raw));
    }

    static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** A body the route cannot use; its message is shown to the client. */
    private static final class BadBody extends Exception {
        private static final long serialVersionUID = 1L;

        BadBody(String message) {
            super(message, null, false, false);
        }
    }
}
