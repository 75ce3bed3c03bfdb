package org.sipmediadeploy.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.config.CallRouterConfig;

/** {@code scaler.pools.<name>.router}: which Kamailio pair's JSON-RPC a pool's capacity is reconciled with. */
class CallRouterConfigTest {
    @TempDir
    Path dir;

    private SampleConfig config;

    @BeforeEach
    void copySample() throws IOException {
        config = SampleConfig.withSecretsIn(dir);
    }

    private String withRouter(String router) {
        String text = config.text();
        assertTrue(text.contains("boot-timeout = 10m"), "the sample's gateways pool has a boot-timeout");
        return text.replace("boot-timeout = 10m", "boot-timeout = 10m\n      router " + router);
    }

    private String problems(String router) {
        ConfigProblems p = assertThrows(ConfigProblems.class, () -> config.load(withRouter(router)));
        return String.join("\n", p.problems());
    }

    @Test
    void noRouterUnlessAPairIsNamed() throws Exception {
        assertEquals(Map.of(), config.load(config.text()).callRouters());
    }

    @Test
    void aNamedPairGivesThePoolARouterWithTheRoleDefaults() throws Exception {
        ScalerConfig c = config.load(withRouter("{ pair = \"kamailio\" }"));

        assertEquals(
                Map.of("gateways", new CallRouterConfig("kamailio", 5071, "gw", Duration.ofSeconds(1))),
                c.callRouters());
    }

    @Test
    void everyKeyCanBeSet() throws Exception {
        ScalerConfig c = config.load(
                withRouter("{ pair = \"kamailio\", rpc-port = 6071, gateway-prefix = \"media-gw\", timeout = 300ms }"));

        assertEquals(
                new CallRouterConfig("kamailio", 6071, "media-gw", Duration.ofMillis(300)),
                c.callRouters().get("gateways"));
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertTrue(
                problems("{ pair = \"nowhere\" }")
                        .contains("scaler.pools.gateways.router.pair: 'nowhere' is not a configured pair"),
                problems("{ pair = \"nowhere\" }"));
        assertTrue(problems("{ pair = \"kamailio\", rpc-port = 70000 }")
                .contains("scaler.pools.gateways.router.rpc-port: must be in 1..65535"));
        assertTrue(problems("{ pair = \"kamailio\", gateway-prefix = \"gw.x\" }")
                .contains("scaler.pools.gateways.router.gateway-prefix: must be letters, digits"));
        assertTrue(problems("{ pair = \"kamailio\", timeout = 1m }")
                .contains("scaler.pools.gateways.router.timeout: must be at most 10 s"));
        assertTrue(problems("{ pair = \"kamailio\", timeout = soon }")
                .contains("scaler.pools.gateways.router.timeout: expected a duration"));
        assertTrue(problems("{ pair = \"kamailio\", colour = blue }")
                .contains("scaler.pools.gateways.router.colour: unknown key"));
    }
}
