package org.sipmediadeploy.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A scripted OpenStack on 127.0.0.1 for unit tests: Keystone v3 tokens with a catalog of two regions, and for
 * every other request the reply scripted for {@code "METHOD service/path"} (the last scripted reply repeats;
 * unscripted requests get 404). Records every request. Not a cloud: the contract suite runs against real ones.
 */
final class FakeOpenStack implements AutoCloseable {
    static final String PASSWORD = "fake-password-s3cret";
    static final String APP_SECRET = "fake-app-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, String body, boolean hang) {
        static Reply json(int status, String body) {
            return new Reply(status, body, false);
        }
    }

    record Recorded(
            String method, String region, String key, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final HttpServer server;
    private final String scheme;
    private final Map<String, Deque<Reply>> script = new ConcurrentHashMap<>();
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger authentications = new AtomicInteger();
    final AtomicInteger tokenCounter = new AtomicInteger();
    /** Tokens that services refuse with 401 (as after a revocation). */
    final List<String> revoked = new CopyOnWriteArrayList<>();
    /** How long issued tokens live. */
    volatile Supplier<Instant> tokenExpiry = () -> Instant.now().plusSeconds(3600);

    private final CountDownLatch released = new CountDownLatch(1);

    private FakeOpenStack(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    static FakeOpenStack start() throws IOException {
        return new FakeOpenStack(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
    }

    static FakeOpenStack startTls(SSLContext context) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(context));
        return new FakeOpenStack(s, "https");
    }

    URI authUrl() {
        return URI.create(base() + "/v3");
    }

    String base() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Scripts the replies to {@code "METHOD service/path"}, e.g. {@code "GET compute/v2.1/servers/detail"}. */
    FakeOpenStack on(String key, Reply... replies) {
        script.put(key, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    FakeOpenStack on(String key, int status, String body) {
        return on(key, Reply.json(status, body));
    }

    List<Recorded> requests(String key) {
        List<Recorded> out = new ArrayList<>();
        for (Recorded r : requests) {
            if (r.key().equals(key)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/v3/auth/tokens") && ex.getRequestMethod().equals("POST")) {
                requests.add(new Recorded(
                        "POST", null, "POST identity/auth/tokens", null, Map.copyOf(ex.getRequestHeaders()), body));
                authenticate(ex, body);
                return;
            }
            // /{region}/{service}/{rest}
            String[] parts = path.split("/", 3);
            String region = parts.length > 1 ? parts[1] : "";
            String rest = parts.length > 2 ? parts[2] : "";
            String key = ex.getRequestMethod() + " " + rest;
            Recorded rec = new Recorded(
                    ex.getRequestMethod(),
                    region,
                    key,
                    ex.getRequestURI().getRawQuery(),
                    Map.copyOf(ex.getRequestHeaders()),
                    body);
            requests.add(rec);
            String token = rec.header("X-Auth-Token");
            if (token == null || revoked.contains(token)) {
                send(
                        ex,
                        401,
                        "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires"
                                + " authentication.\"}}");
                return;
            }
            Reply reply;
            Deque<Reply> q = script.get(key);
            if (q == null) {
                reply = Reply.json(
                        404, "{\"itemNotFound\": {\"code\": 404, \"message\": \"not scripted: " + key + "\"}}");
            } else {
                synchronized (q) {
                    reply = q.size() > 1 ? q.poll() : q.peek();
                }
            }
            if (reply.hang()) {
                // Answers nothing until the test ends: the client's read timeout must fire.
                released.await(60, TimeUnit.SECONDS);
                return;
            }
            send(ex, reply.status(), reply.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void authenticate(HttpExchange ex, String body) throws IOException {
        authentications.incrementAndGet();
        JsonNode identity = JSON.readTree(body).path("auth").path("identity");
        boolean ok = PASSWORD.equals(
                        identity.path("password").path("user").path("password").asText())
                || APP_SECRET.equals(
                        identity.path("application_credential").path("secret").asText());
        if (!ok) {
            send(
                    ex,
                    401,
                    "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires"
                            + " authentication.\", \"title\": \"Unauthorized\"}}");
            return;
        }
        String token = "tok-" + tokenCounter.incrementAndGet();
        StringBuilder catalog = new StringBuilder();
        String[][] services = {{"compute", "compute/v2.1"}, {"network", "network"}, {"image", "image"}};
        for (String[] s : services) {
            if (catalog.length() > 0) {
                catalog.append(',');
            }
            catalog.append("{\"type\":\"")
                    .append(s[0])
                    .append("\",\"name\":\"")
                    .append(s[0])
                    .append("\",\"id\":\"")
                    .append(s[0])
                    .append("\",\"endpoints\":[");
            String[] regions = {"RegionOne", "RegionTwo"};
            for (int i = 0; i < regions.length; i++) {
                for (String iface : new String[] {"public", "internal"}) {
                    String url = base() + "/" + regions[i] + (iface.equals("internal") ? "-internal" : "") + "/" + s[1];
                    catalog.append(i == 0 && iface.equals("public") ? "" : ",")
                            .append("{\"id\":\"")
                            .append(s[0])
                            .append(i)
                            .append(iface)
                            .append("\",\"interface\":\"")
                            .append(iface)
                            .append("\",\"region\":\"")
                            .append(regions[i])
                            .append("\",\"region_id\":\"")
                            .append(regions[i])
                            .append("\",\"url\":\"")
                            .append(url)
                            .append("\"}");
                }
            }
            catalog.append("]}");
        }
        String json = "{\"token\": {\"methods\": [\"password\"], \"expires_at\": \"" + tokenExpiry.get()
                + "\", \"issued_at\": \"" + Instant.now() + "\", \"user\": {\"id\": \"u1\", \"name\": \"alice\","
                + " \"domain\": {\"id\": \"default\", \"name\": \"Default\"}}, \"project\": {\"id\": \"p1\","
                + " \"name\": \"demo\", \"domain\": {\"id\": \"default\", \"name\": \"Default\"}},"
                + " \"roles\": [{\"id\": \"r1\", \"name\": \"member\"}], \"catalog\": [" + catalog + "]}}";
        ex.getResponseHeaders().add("X-Subject-Token", token);
        send(ex, 201, json);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (status == 204 || bytes.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
