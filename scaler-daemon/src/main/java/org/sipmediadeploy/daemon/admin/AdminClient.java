package org.sipmediadeploy.daemon.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sipmediadeploy.core.model.Secret;

/**
 * A client of the admin API for {@code scalerctl}, one method per route. Read and action methods return the
 * parsed JSON body on 2xx; any other status, or no answer at all, throws {@link AdminClientException}.
 */
public final class AdminClient {
    private final URI base;
    private final Secret token;
    private final Duration timeout;
    private final HttpClient http;

    /** {@code base} like {@code http://127.0.0.1:9871}; {@code timeout} bounds connect and each whole request. */
    public AdminClient(URI base, Secret token, Duration timeout) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = Objects.requireNonNull(token, "token");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public JsonNode status() {
        return json(get("/v1/status", true));
    }

    public JsonNode history(int limit) {
        return json(get("/v1/history?limit=" + limit, true));
    }

    /** Fails over {@code pair}, to member {@code to} when given. */
    public JsonNode failover(String pair, Optional<String> to) {
        String body = "";
        if (to.isPresent()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("to", to.get());
            try {
                body = Json.MAPPER.writeValueAsString(m);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return json(post("/v1/pairs/" + segment(pair) + "/failover", body));
    }

    public JsonNode pausePool(String pool) {
        return json(post("/v1/pools/" + segment(pool) + "/pause", ""));
    }

    public JsonNode resumePool(String pool) {
        return json(post("/v1/pools/" + segment(pool) + "/resume", ""));
    }

    public JsonNode drainHost(String host) {
        return json(post("/v1/hosts/" + segment(host) + "/drain", ""));
    }

    /** Adds scaler node {@code id} at Raft address {@code address} (host:port). */
    public JsonNode addMember(String id, String address) {
        return json(post("/v1/members/" + segment(id) + "/add", body(Map.of("address", address))));
    }

    public JsonNode removeMember(String id) {
        return json(post("/v1/members/" + segment(id) + "/remove", ""));
    }

    /** Replaces scaler node {@code oldId} by {@code newId} at {@code address}. */
    public JsonNode replaceMember(String oldId, String newId, String address) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("by", newId);
        m.put("address", address);
        return json(post("/v1/members/" + segment(oldId) + "/replace", body(m)));
    }

    private static String body(Map<String, String> fields) {
        try {
            return Json.MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus text of {@code /metrics}. */
    public String metrics() {
        return ok(get("/metrics", true)).body();
    }

    /** True on 200, false on 503; anything else throws. */
    public boolean live() {
        return health("/health/live");
    }

    /** True on 200, false on 503; anything else throws. */
    public boolean ready() {
        return health("/health/ready");
    }

    private boolean health(String path) {
        HttpResponse<String> r = get(path, false);
        if (r.statusCode() == 503) {
            return false;
        }
        ok(r);
        return true;
    }

    private HttpResponse<String> get(String pathAndQuery, boolean withToken) {
        return send(request(pathAndQuery, withToken).GET().build());
    }

    private HttpResponse<String> post(String path, String body) {
        HttpRequest.Builder b = request(path, true);
        if (!body.isEmpty()) {
            b.header("Content-Type", "application/json");
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build());
    }

    private HttpRequest.Builder request(String pathAndQuery, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (withToken) {
            b.header("Authorization", "Bearer " + token.reveal());
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw AdminClientException.unreachable(
                    base + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AdminClientException.unreachable(base + ": interrupted", e);
        }
    }

    private static HttpResponse<String> ok(HttpResponse<String> r) {
        if (r.statusCode() / 100 == 2) {
            return r;
        }
        String error = "http_" + r.statusCode();
        String detail = r.body() == null ? "" : r.body();
        try {
            JsonNode n = Json.MAPPER.readTree(detail);
            if (n != null && n.isObject()) {
                error = n.path("error").asText(error);
                detail = n.path("detail").asText("");
            }
        } catch (JsonProcessingException e) {
            // not our JSON (a proxy's page?): keep the raw body, clipped
            detail = detail.length() > 200 ? detail.substring(0, 200) : detail;
        }
        throw new AdminClientException(r.statusCode(), error, detail, null);
    }

    private static JsonNode json(HttpResponse<String> r) {
        ok(r);
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (JsonProcessingException e) {
            throw new AdminClientException(r.statusCode(), "bad_response", "the answer is not JSON", e);
        }
    }

    /** Percent-encodes one path segment (names are plain, but a stray space or slash must not change the path). */
    private static String segment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            int ch = c & 0xff;
            if ((ch >= 'a' && ch <= 'z')
                    || (ch >= 'A' && ch <= 'Z')
                    || (ch >= '0' && ch <= '9')
                    || ch == '-'
                    || ch == '.'
                    || ch == '_'
                    || ch == '~'
                    || ch == ':'
                    || ch == '@') {
                b.append((char) ch);
            } else {
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit(ch >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(ch & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
