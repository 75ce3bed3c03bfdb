package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The control API under {@code /control} (no token: it is for the test harness on loopback):
 * <pre>
 * GET    /control/state                         servers, instances, floating IPs
 * GET    /control/events?since=N                the event log after sequence N
 * GET    /control/faults                        armed API fault rules
 * POST   /control/faults                        {"operation","kind","rate","count","delay_ms","status","user"}
 * DELETE /control/faults                        disarm all
 * POST   /control/servers/{id}/{action}         kill | freeze | resume | restart | shutoff | drop | reject | restore
 * POST   /control/servers/{id}/paths            {"source","mode": drop|reject|normal} or {"source","loss","seed"}
 * DELETE /control/paths                         every path fault removed
 * POST   /control/servers/{id}/calls/start|end  simulated gateway calls
 * POST   /control/servers/{id}/terminable       {"value": true|false}
 * </pre>
 */
final class Control {
    private final Sandbox sandbox;

    Control(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    ApiResponse handle(ApiRequest req) {
        String[] s = req.segments(HttpFront.CONTROL);
        String m = req.method();
        try {
            if (s.length == 1 && s[0].equals("state") && m.equals("GET")) {
                return ApiResponse.json(200, sandbox.stateJson());
            }
            if (s.length == 1 && s[0].equals("events") && m.equals("GET")) {
                long since = req.param("since") == null ? 0 : Long.parseLong(req.param("since"));
                List<Object> out = new ArrayList<>();
                for (SandboxEvent e : sandbox.events().events(e -> e.seq() > since)) {
                    out.add(Json.MAPPER.readTree(EventLog.toJson(e)));
                }
                return ApiResponse.json(200, Json.obj("events", out));
            }
            if (s.length == 1 && s[0].equals("faults")) {
                if (m.equals("GET")) {
                    List<Object> armed = new ArrayList<>();
                    sandbox.apiFaults().armed().forEach(f -> armed.add(render(f)));
                    return ApiResponse.json(200, Json.obj("faults", armed));
                }
                if (m.equals("DELETE")) {
                    sandbox.apiFaults().clear();
                    sandbox.events().record("fault.api.clear", Caller.CONTROL, "*", 0, "ok", Map.of());
                    return new ApiResponse(204, Map.of(), null);
                }
                if (m.equals("POST")) {
                    JsonNode b = req.json();
                    if (b == null) {
                        return bad("JSON body required");
                    }
                    ApiFault.Kind kind;
                    try {
                        kind = ApiFault.Kind.valueOf(b.path("kind").asText().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        return bad("unknown fault kind " + b.path("kind").asText());
                    }
                    ApiFault f = new ApiFault(
                            b.path("operation").asText("*"),
                            kind,
                            b.path("rate").asDouble(1.0),
                            b.path("count").asInt(-1),
                            Duration.ofMillis(b.path("delay_ms").asLong(0)),
                            b.path("status").asInt(0),
                            b.hasNonNull("user") ? b.get("user").asText() : null);
                    sandbox.apiFaults().add(f);
                    sandbox.events()
                            .record(
                                    "fault.api.arm",
                                    Caller.CONTROL,
                                    f.operation(),
                                    0,
                                    "ok",
                                    Map.of(
                                            "kind",
                                            f.kind().name(),
                                            "rate",
                                            Double.toString(f.rate()),
                                            "count",
                                            Integer.toString(f.count())));
                    return ApiResponse.json(201, Json.obj("fault", render(f)));
                }
            }
            if (s.length == 1 && s[0].equals("paths") && m.equals("DELETE")) {
                sandbox.clearPathFaults();
                return new ApiResponse(204, Map.of(), null);
            }
            if (s.length == 3 && s[0].equals("servers") && s[2].equals("paths") && m.equals("POST")) {
                return path(s[1], req.json());
            }
            if (s.length >= 3 && s[0].equals("servers") && m.equals("POST")) {
                String id = s[1];
                if (s.length == 4 && s[2].equals("calls")) {
                    boolean ok = s[3].equals("start") ? sandbox.startCall(id) : sandbox.endCall(id);
                    return ApiResponse.json(200, Json.obj("ok", ok, "idle", sandbox.idleGateways(id)));
                }
                if (s.length == 3 && s[2].equals("terminable")) {
                    JsonNode b = req.json();
                    sandbox.canBeTerminated(id, b != null && b.path("value").asBoolean(false));
                    return ApiResponse.json(200, Json.obj("ok", true));
                }
                if (s.length == 3) {
                    switch (s[2]) {
                        case "kill" -> sandbox.kill(id);
                        case "freeze" -> sandbox.freeze(id);
                        case "resume" -> sandbox.resume(id);
                        case "restart" -> sandbox.restart(id);
                        case "shutoff" -> sandbox.shutoff(id);
                        case "drop" -> sandbox.traffic(id, TrafficMode.DROP);
                        case "reject" -> sandbox.traffic(id, TrafficMode.REJECT);
                        case "restore" -> sandbox.traffic(id, TrafficMode.NORMAL);
                        default -> {
                            return bad("unknown action " + s[2]);
                        }
                    }
                    return ApiResponse.json(200, sandbox.stateJson());
                }
            }
        } catch (IllegalArgumentException e) {
            return ApiResponse.json(404, Json.obj("error", e.getMessage()));
        } catch (java.io.IOException e) {
            return ApiResponse.json(500, Json.obj("error", e.toString()));
        }
        return ApiResponse.json(404, Json.obj("error", "no such control endpoint"));
    }

    private ApiResponse path(String id, JsonNode b) {
        if (b == null || !b.hasNonNull("source")) {
            return bad("JSON body with \"source\" required");
        }
        if (!sandbox.hasInstance(id)) {
            return ApiResponse.json(404, Json.obj("error", "no running instance for server " + id));
        }
        String source = b.get("source").asText();
        try {
            applyPath(id, source, b);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        return ApiResponse.json(200, Json.obj("server", id, "paths", sandbox.pathFaults(id)));
    }

    private void applyPath(String id, String source, JsonNode b) {
        if (b.has("loss")) {
            if (!b.get("loss").isNumber()) {
                throw new IllegalArgumentException("loss must be a number within 0..1");
            }
            sandbox.pathLoss(
                    id,
                    source,
                    b.get("loss").asDouble(),
                    b.path("seed").asLong(sandbox.config().seed()));
        } else {
            TrafficMode mode;
            try {
                mode = TrafficMode.valueOf(b.path("mode").asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode must be drop, reject or normal, was '"
                        + b.path("mode").asText() + "'");
            }
            sandbox.pathTraffic(id, source, mode);
        }
    }

    private static Map<String, Object> render(ApiFault f) {
        return Json.obj(
                "operation",
                f.operation(),
                "kind",
                f.kind().name(),
                "rate",
                f.rate(),
                "count",
                f.count(),
                "delay_ms",
                f.delay().toMillis(),
                "status",
                f.status(),
                "user",
                f.user());
    }

    private static ApiResponse bad(String message) {
        return ApiResponse.json(400, Json.obj("error", message));
    }
}
