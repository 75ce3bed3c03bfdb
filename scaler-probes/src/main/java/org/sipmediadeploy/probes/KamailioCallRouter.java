package org.sipmediadeploy.probes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.RouterView;
import org.sipmediadeploy.core.port.CallRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the role's Kamailio over its read-only JSON-RPC ({@code POST /RPC} on the RPC port): {@code htable.dump gw}
 * (registered gateway name to host) and {@code htable.dump lock} (gateway name to the Call-ID holding it). Both
 * members are read, since the tables replicate between them only when DMQ is on: a gateway registered or locked on
 * either member counts (the safer view). A member that does not answer in time, answers an error or malformed JSON
 * is skipped with a warning; none answering is "unreadable" (empty).
 */
final class KamailioCallRouter implements CallRouter {
    private static final Logger LOG = LoggerFactory.getLogger(KamailioCallRouter.class);
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    KamailioCallRouter() {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public Optional<RouterView> read(CallRouterConfig cfg, List<String> memberAddresses) {
        Pattern name = Pattern.compile("^" + Pattern.quote(cfg.gatewayPrefix()) + "\\.([A-Za-z0-9_-]+)\\.[0-9]+$");
        Set<String> registered = new HashSet<>();
        Set<String> locked = new HashSet<>();
        boolean any = false;
        for (String address : memberAddresses) {
            try {
                Map<String, String> gw = dump(cfg, address, "gw");
                Map<String, String> lock = dump(cfg, address, "lock");
                registered.addAll(gw.keySet());
                locked.addAll(lock.keySet());
                any = true;
            } catch (RouterException e) {
                LOG.warn("call router at {}:{} not read: {}", address, cfg.rpcPort(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        if (!any) {
            return Optional.empty();
        }
        return Optional.of(view(name, registered, locked));
    }

    /** Per host: its registered gateways, and how many of the gateways named after it are locked. */
    static RouterView view(Pattern name, Set<String> registered, Set<String> locked) {
        Map<String, int[]> counts = new HashMap<>();
        for (String gw : registered) {
            Matcher m = name.matcher(gw);
            if (m.matches()) {
                counts.computeIfAbsent(m.group(1), h -> new int[2])[0]++;
            }
        }
        for (String gw : locked) {
            Matcher m = name.matcher(gw);
            if (m.matches()) {
                counts.computeIfAbsent(m.group(1), h -> new int[2])[1]++;
            }
        }
        Map<String, RoutedHost> hosts = new HashMap<>();
        counts.forEach((host, c) -> hosts.put(host, new RoutedHost(c[0], c[1], true)));
        return new RouterView(hosts);
    }

    private Map<String, String> dump(CallRouterConfig cfg, String address, String table)
            throws RouterException, InterruptedException {
        String host = address.contains(":") ? "[" + address + "]" : address;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + cfg.rpcPort() + "/RPC"))
                    .timeout(cfg.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"method\":\"htable.dump\",\"params\":[\"" + table + "\"],\"id\":1}"))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new RouterException("invalid address '" + address + "': " + e.getMessage());
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RouterException(Reasons.of(e, cfg.timeout()));
        }
        if (response.statusCode() != 200) {
            throw new RouterException("HTTP " + response.statusCode() + HttpReasons.phrase(response.statusCode()));
        }
        if (response.body().length > MAX_BODY) {
            throw new RouterException("answer too large (" + response.body().length + " bytes)");
        }
        return entries(json, response.body(), table);
    }

    /**
     * The name/value pairs of an {@code htable.dump} answer: {@code {"result":[{"entry":..,"slot":[{"name":..,
     * "value":..}]}]}}; an empty table is an empty result list.
     */
    static Map<String, String> entries(ObjectMapper json, byte[] body, String table) throws RouterException {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new RouterException("malformed JSON from htable.dump " + table);
        }
        if (root == null || !root.isObject()) {
            throw new RouterException("htable.dump " + table + " answer is not a JSON object");
        }
        if (root.has("error")) {
            throw new RouterException("htable.dump " + table + " refused: " + root.get("error"));
        }
        JsonNode result = root.get("result");
        if (result == null || !result.isArray()) {
            throw new RouterException("htable.dump " + table + " answer has no result list");
        }
        Map<String, String> out = new HashMap<>();
        for (JsonNode bucket : result) {
            JsonNode slot = bucket.get("slot");
            if (slot == null || !slot.isArray()) {
                throw new RouterException("htable.dump " + table + " bucket without a slot list: " + bucket);
            }
            for (JsonNode item : slot) {
                JsonNode name = item.get("name");
                if (name == null || !name.isTextual()) {
                    throw new RouterException("htable.dump " + table + " item without a name: " + item);
                }
                JsonNode value = item.get("value");
                out.put(name.asText(), value == null ? "" : value.asText());
            }
        }
        return out;
    }

    /** One member could not be read: why, in a few words. */
    static final class RouterException extends Exception {
        private static final long serialVersionUID = 1L;

        RouterException(String message) {
            super(message);
        }
    }
}
