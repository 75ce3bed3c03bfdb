package org.sipmediadeploy.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyReaderTest {
    @TempDir
    Path dir;

    private static Config hocon(String text) {
        return ConfigFactory.parseString(text);
    }

    @Test
    void aDurationBelowItsMinimumIsAProblemNamingTheFullKeyPath() {
        KeyReader r = new KeyReader(dir);
        assertNull(
                r.duration(hocon("probe { interval = 5ms }"), "probe.interval", Duration.ofMillis(10), "pairs.sip."));
        assertEquals(List.of("scaler.pairs.sip.probe.interval: must be at least 10 ms, got 5 ms"), r.problems());
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        KeyReader r = new KeyReader(dir);
        assertEquals(-1, r.intIn(hocon("n = lots"), "n", 1, 10, ""));
        assertTrue(
                r.problems().get(0).startsWith("scaler.n: expected a whole number"),
                r.problems().toString());
    }

    @Test
    void everyProblemIsKeptSoOneRunReportsThemAll() {
        KeyReader r = new KeyReader(dir);
        Config c = hocon("a = 0, mode = fast");
        r.port(c, "a");
        r.oneOf(c, "mode", Set.of("auto", "paused"));
        r.str(c, "missing");
        assertEquals(3, r.problemCount());
        assertEquals("scaler.missing: required", r.problems().get(2));
    }

    @Test
    void aSecretIsReadFromItsFileAndNeverEntersAProblem() throws Exception {
        Files.writeString(dir.resolve("pw"), "hunter2\n");
        Files.writeString(dir.resolve("empty"), "");
        KeyReader r = new KeyReader(dir);
        assertEquals("hunter2", r.secret(hocon("f = pw"), "f").reveal());
        r.secret(hocon("f = empty"), "f");
        assertEquals(1, r.problemCount());
        assertFalse(r.problems().toString().contains("hunter2"));
        assertEquals(2, r.files().size(), "both secret files are remembered for config check");
    }

    @Test
    void relativePathsAreTakenFromTheBaseDirectory() {
        KeyReader r = new KeyReader(dir);
        assertEquals(dir.resolve("certs/ca.pem"), r.path("certs/ca.pem"));
        assertEquals(Path.of("/etc/x"), r.path("/etc/x"));
        assertNull(r.path(""));
    }
}
