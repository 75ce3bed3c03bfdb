package org.sipmediadeploy.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.RouterView;
import org.sipmediadeploy.core.port.CallRouter;

/**
 * The call-router adapter against fake JSON-RPC members serving every kind of answer (the real Kamailio's answers
 * are under contract test in scaler-calls).
 */
class KamailioCallRouterTest {
    private static final String GW = "{\"jsonrpc\":\"2.0\",\"result\":[{\"entry\":1,\"size\":2,\"slot\":["
            + "{\"name\":\"gw.h1.0\",\"value\":\"h1\",\"type\":\"str\"},"
            + "{\"name\":\"gw.h1.1\",\"value\":\"h1\",\"type\":\"str\"}]},"
            + "{\"entry\":5,\"size\":1,\"slot\":[{\"name\":\"gw.h2.0\",\"value\":\"h2\",\"type\":\"str\"}]}],\"id\":1}";
    private static final String NO_LOCK = "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1}";
    private static final String LOCK_H1 = "{\"jsonrpc\":\"2.0\",\"result\":[{\"entry\":3,\"size\":1,\"slot\":["
            + "{\"name\":\"gw.h1.1\",\"value\":\"call-1@x\",\"type\":\"str\"}]}],\"id\":1}";

    private final CallRouter router = Probes.kamailioCallRouter();
    private final List<HttpServer> servers = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final int port = Loopback.freeEndpoint(5071).port();

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }

    /** A fake member answering {@code htable.dump <table>} from {@code answers} (status, body). */
    private String member(Map<String, String> answers, int status) throws IOException {
        String host = null;
        for (int i = 0; i < 50 && host == null; i++) {
            Loopback.Endpoint at = Loopback.freeEndpoint(port);
            host = at.port() == port ? at.host() : null;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/RPC", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String table = request.contains("\"lock\"") ? "lock" : "gw";
            String body = answers.get(table);
            if (body.equals("SLOW")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                body = NO_LOCK;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return host;
    }

    private CallRouterConfig cfg(Duration timeout) {
        return new CallRouterConfig("sip", port, "gw", timeout);
    }

    @Test
    void countsRegisteredAndLockedGatewaysPerHostAndALockOnEitherMemberCounts() throws IOException {
        String active = member(Map.of("gw", GW, "lock", NO_LOCK), 200);
        String standby = member(Map.of("gw", GW, "lock", LOCK_H1), 200);

        RouterView view = router.read(cfg(Duration.ofSeconds(2)), List.of(active, standby))
                .orElseThrow();

        assertEquals(new RoutedHost(2, 1, true), view.of("h1"));
        assertEquals(new RoutedHost(1, 0, true), view.of("h2"));
    }

    @Test
    void aMemberAnsweringGarbageAnErrorOrAStatusOtherThan200IsSkipped() throws IOException {
        String good = member(Map.of("gw", GW, "lock", LOCK_H1), 200);
        List<String> bad = List.of(
                member(Map.of("gw", "{\"result\": [", "lock", NO_LOCK), 200),
                member(
                        Map.of("gw", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601},\"id\":1}", "lock", NO_LOCK),
                        200),
                member(Map.of("gw", "[1,2]", "lock", NO_LOCK), 200),
                member(Map.of("gw", "{\"result\":[{\"entry\":1}]}", "lock", NO_LOCK), 200),
                member(Map.of("gw", GW, "lock", NO_LOCK), 403));

        for (String b : bad) {
            assertEquals(Optional.empty(), router.read(cfg(Duration.ofSeconds(2)), List.of(b)), b);
            assertEquals(
                    new RoutedHost(2, 1, true),
                    router.read(cfg(Duration.ofSeconds(2)), List.of(b, good))
                            .orElseThrow()
                            .of("h1"));
        }
    }

    @Test
    void aMemberThatHangsIsGivenUpAfterTheTimeout() throws IOException {
        String slow = member(Map.of("gw", GW, "lock", "SLOW"), 200);
        long start = System.nanoTime();

        Optional<RouterView> view = router.read(cfg(Duration.ofMillis(300)), List.of(slow));

        assertEquals(Optional.empty(), view);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
    }
}
