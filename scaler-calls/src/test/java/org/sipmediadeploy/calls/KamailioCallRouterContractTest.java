package org.sipmediadeploy.calls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.model.RoutedHost;
import org.sipmediadeploy.core.model.RouterView;
import org.sipmediadeploy.core.port.CallRouter;
import org.sipmediadeploy.probes.Probes;

/**
 * The scaler's call-router adapter against the role's real Kamailio: what it reads per host is what routes calls
 * (registered gateways, the one a call in progress holds, released after the BYE).
 */
class KamailioCallRouterContractTest {
    private static final int BLOCK = 40;
    private static final Duration CALL_DONE = Duration.ofSeconds(30);
    private static Path config;
    private final CallRouter router = Probes.kamailioCallRouter();
    private CallLab lab;
    private KamailioMember member;
    private CallRouterConfig cfg;

    @BeforeAll
    static void renderTheRoleConfig() {
        config = CallLab.rendered("render-router", BLOCK, 1, "");
    }

    @BeforeEach
    void startMember() {
        lab = CallLab.open("router", BLOCK).use(config);
        member = lab.readyMember(1);
        cfg = new CallRouterConfig("sip", CallLab.RPC_PORT, CallLab.PREFIX, Duration.ofSeconds(2));
    }

    @AfterEach
    void stopAll() {
        lab.close();
    }

    private void registered(String host, int n, int address) {
        lab.registeredGateway(member.ip(), host, n, address);
    }

    private RouterView read() {
        return router.read(cfg, List.of(member.ip())).orElseThrow(() -> new AssertionError("router not read"));
    }

    @Test
    void registeredGatewaysAreIdleOnTheirHost() {
        registered("h1", 0, 1);
        registered("h1", 1, 2);
        registered("h2", 0, 3);

        RouterView view = read();

        assertEquals(new RoutedHost(2, 0, true), view.of("h1"));
        assertEquals(new RoutedHost(1, 0, true), view.of("h2"));
        assertEquals(RoutedHost.ABSENT, view.of("h3"));
    }

    @Test
    void aCallInProgressMakesItsHostBusyAndTheByeMakesItIdleAgain() {
        registered("h1", 0, 1);
        registered("h2", 0, 2);
        SippCall call = lab.call(member.ip(), "room-a", Duration.ofSeconds(3), 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> call.answeredBy().isPresent());
        @SuppressWarnings("StringSplitter") // a dotted host name whose second label is never empty
        String busyHost = call.answeredBy().orElseThrow().split("\\.")[1];
        String otherHost = busyHost.equals("h1") ? "h2" : "h1";

        RouterView during = read();

        assertEquals(new RoutedHost(1, 1, true), during.of(busyHost));
        assertTrue(during.of(busyHost).mayCarryCalls());
        assertEquals(new RoutedHost(1, 0, true), during.of(otherHost));
        assertEquals(0, call.finish(CALL_DONE), call.toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> read().of(busyHost).locked() == 0);
        assertEquals(new RoutedHost(1, 0, true), read().of(busyHost));
    }

    @Test
    void aMemberThatDoesNotAnswerIsSkippedAndNoneAnsweringIsUnreadable() {
        registered("h1", 0, 1);
        String nobody = lab.memberIp(2);

        assertEquals(
                new RoutedHost(1, 0, true),
                router.read(cfg, List.of(nobody, member.ip())).orElseThrow().of("h1"));
        assertEquals(Optional.empty(), router.read(cfg, List.of(nobody)));
    }

    @Test
    void gatewaysOfAnotherPrefixAreNotCounted() {
        registered("h1", 0, 1);
        CallRouterConfig other = new CallRouterConfig("sip", CallLab.RPC_PORT, "media", Duration.ofSeconds(2));

        assertEquals(
                RoutedHost.ABSENT,
                router.read(other, List.of(member.ip())).orElseThrow().of("h1"));
    }
}
