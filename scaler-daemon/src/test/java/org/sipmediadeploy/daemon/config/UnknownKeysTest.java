package org.sipmediadeploy.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnknownKeysTest {
    private static final Config REFERENCE = ConfigFactory.parseResources(ConfigLoader.class, "/reference.conf");

    private static List<String> check(String hocon) {
        KeyReader r = new KeyReader(Path.of("."));
        UnknownKeys.check(r, ConfigFactory.parseString(hocon), REFERENCE);
        return r.problems();
    }

    @Test
    void knownKeysPass() {
        assertEquals(List.of(), check("scaler { node.id = n1, pairs.sip { floating-ip = x, probe.kind = stun } }"));
    }

    @Test
    void aMisspelledKeyIsNamedWithItsPath() {
        assertEquals(List.of("scaler.node.idd: unknown key"), check("scaler.node.idd = n1"));
    }

    @Test
    void aPairOrPoolKeyIsCheckedAgainstItsDefaults() {
        assertEquals(
                Set.of("scaler.pairs.sip.probe.kindd: unknown key", "scaler.pools.gw.min-host: unknown key"),
                Set.copyOf(check("scaler { pairs.sip.probe.kindd = stun, pools.gw.min-host = 1 }")));
    }

    @Test
    void keysOutsideScalerAndAMissingScalerBlockAreProblems() {
        assertEquals(
                List.of("scaler: missing (the configuration must have a top-level 'scaler' block)"),
                check("other = 1"));
        assertEquals(List.of("other: unknown key (everything goes under 'scaler')"), check("scaler {}, other = 1"));
    }
}
