package org.sipmediadeploy.probes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;

/**
 * The SIPMediaGW status contract: GET {@code path}, a JSON object with an idle-gateway count and a "can be
 * terminated" flag. Anything else (refused, timeout, non-2xx, bad JSON, missing or mistyped key) is UNKNOWN: the
 * host did not tell us its capacity, which is not the same as having none. A key starting with {@code /} is a
 * JSON Pointer into nested objects.
 */
final class GatewayStatusProber {
    private static final int MAX_BODY = 64 * 1024;

    private final ProbeRuntime runtime;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    GatewayStatusProber(ProbeSettings settings, ProbeRuntime runtime) {
        this.runtime = runtime;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.httpConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(runtime.io)
                .build();
        warmUp();
    }

    /**
     * Jackson and the JDK HTTP client load many classes on first use: over 400 ms here, enough to turn the first
     * probe into a false timeout. Pay it once at start (no request is sent).
     */
    private void warmUp() {
        try {
            json.readTree("{\"idle\": 1, \"terminate\": false, \"nested\": {\"x\": [1.5, \"s\", null]}}");
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/"))
                    .timeout(Duration.ofSeconds(1))
                    .GET()
                    .build();
            HttpResponse.BodyHandlers.ofByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Jackson cannot parse a constant", e);
        }
    }

    CompletableFuture<ProbeResult> probe(ProbeTarget.GatewayStatus target, Duration timeout) {
        long start = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        HttpRequest request;
        try {
            String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
            request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + target.port() + target.path()))
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            result.complete(ProbeResult.unknown(Duration.ZERO, "invalid status URL: " + e.getMessage(), runtime.now()));
            return result;
        }
        var unusedDeadline = runtime.deadline(
                result,
                timeout,
                () -> result.complete(
                        ProbeResult.unknown(ProbeRuntime.since(start), Reasons.timeout(timeout), runtime.now())));
        CompletableFuture<HttpResponse<byte[]>> call =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        var unusedCancel = result.whenComplete((r, e) -> call.cancel(true));
        var unusedAnswer = call.whenComplete((response, failure) -> {
            Duration latency = ProbeRuntime.since(start);
            if (failure != null) {
                result.complete(ProbeResult.unknown(latency, Reasons.of(failure, timeout), runtime.now()));
            } else {
                result.complete(interpret(target, response, latency));
            }
        });
        return result;
    }

    private ProbeResult interpret(ProbeTarget.GatewayStatus target, HttpResponse<byte[]> response, Duration latency) {
        int code = response.statusCode();
        if (code < 200 || code > 299) {
            return ProbeResult.unknown(latency, "HTTP " + code + HttpReasons.phrase(code), runtime.now());
        }
        byte[] body = response.body();
        if (body.length > MAX_BODY) {
            return ProbeResult.unknown(latency, "status body too large (" + body.length + " bytes)", runtime.now());
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            return ProbeResult.unknown(latency, "malformed JSON: " + e.getOriginalMessage(), runtime.now());
        } catch (java.io.IOException e) {
            return ProbeResult.unknown(latency, "unreadable body: " + e.getMessage(), runtime.now());
        }
        if (root == null || !root.isObject()) {
            return ProbeResult.unknown(latency, "status body is not a JSON object", runtime.now());
        }
        JsonNode idle = lookup(root, target.idleKey());
        if (idle == null) {
            return ProbeResult.unknown(latency, "missing key '" + target.idleKey() + "'", runtime.now());
        }
        if (!idle.isIntegralNumber() || !idle.canConvertToInt() || idle.intValue() < 0) {
            return ProbeResult.unknown(
                    latency,
                    "key '" + target.idleKey() + "' must be an integer >= 0, was " + abbreviate(idle.toString()),
                    runtime.now());
        }
        JsonNode terminate = lookup(root, target.terminateKey());
        if (terminate == null) {
            return ProbeResult.unknown(latency, "missing key '" + target.terminateKey() + "'", runtime.now());
        }
        if (!terminate.isBoolean()) {
            return ProbeResult.unknown(
                    latency,
                    "key '" + target.terminateKey() + "' must be a boolean, was " + abbreviate(terminate.toString()),
                    runtime.now());
        }
        return ProbeResult.gateway(
                latency, new GatewayCapacity(idle.intValue(), terminate.booleanValue()), runtime.now());
    }

    private static JsonNode lookup(JsonNode root, String key) {
        JsonNode n = key.startsWith("/") ? root.at(key) : root.get(key);
        return n == null || n.isMissingNode() || n.isNull() ? null : n;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
