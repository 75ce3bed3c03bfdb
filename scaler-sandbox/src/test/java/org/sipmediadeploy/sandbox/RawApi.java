package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Plain HTTP to the sandbox, for what the adapter does not expose and for checking shapes and headers. */
final class RawApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    RawApi(Sandbox sandbox) {
        this.base = "http://" + sandbox.config().bindHost() + ":" + sandbox.apiPort();
        this.token = sandbox.adminToken();
    }

    String token() {
        return token;
    }

    Reply call(String method, String path, Object body, String... headers) {
        return call(method, path, body, Duration.ofSeconds(30), headers);
    }

    Reply call(String method, String path, Object body, Duration timeout, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(timeout)
                    .header("Content-Type", "application/json");
            if (token != null) {
                b.header("X-Auth-Token", token);
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(
                                    body instanceof String s ? s : JSON.writeValueAsString(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String externalNetworkId() {
        return call("GET", "/network/v2.0/networks?router:external=true", null)
                .json()
                .path("networks")
                .get(0)
                .path("id")
                .asText();
    }

    /** Allocates a floating IP; returns {id, address}. */
    List<String> allocateFloatingIp() {
        Reply r = call(
                "POST",
                "/network/v2.0/floatingips",
                java.util.Map.of("floatingip", java.util.Map.of("floating_network_id", externalNetworkId())));
        if (r.status() != 201) {
            throw new AssertionError("allocate floating IP: " + r.status() + " " + r.body());
        }
        JsonNode f = r.json().path("floatingip");
        return List.of(f.path("id").asText(), f.path("floating_ip_address").asText());
    }

    void releaseFloatingIp(String id) {
        call("DELETE", "/network/v2.0/floatingips/" + id, null);
    }
}
