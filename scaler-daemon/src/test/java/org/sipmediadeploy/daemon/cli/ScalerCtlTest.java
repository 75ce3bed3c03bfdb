package org.sipmediadeploy.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalerCtlTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void configCheckAcceptsAValidFileAndExitsZero() throws Exception {
        Files.createDirectories(dir.resolve("secrets"));
        for (String s : new String[] {"admin.token", "os-password", "turn-probe"}) {
            Files.writeString(dir.resolve("secrets/" + s), "x-" + s);
        }
        Files.copy(Path.of("../config/scaler.conf"), dir.resolve("scaler.conf"));
        Run r = run("config", "check", dir.resolve("scaler.conf").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ok (node scaler-1, 3 peers"), r.out());
    }

    @Test
    void configCheckExits78AndNamesTheKeyOnABadFile() throws Exception {
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, "scaler { admin { port = \"x\" } }");
        Run r = run("config", "check", f.toString());
        assertEquals(78, r.code());
        assertTrue(r.err().contains("scaler.admin.port: expected a whole number"), r.err());
    }

    @Test
    void configCheckOfAMissingFileExits78() {
        Run r = run("config", "check", dir.resolve("nope.conf").toString());
        assertEquals(78, r.code());
        assertTrue(r.err().contains("cannot read the configuration file"), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = run("frobnicate");
        assertEquals(2, r.code());
    }

    @Test
    void simulatePrintsTheThreeStrategiesOnTheShippedTrace() {
        Run r = run("simulate", "--trace", "../traces/burst.csv", "--boot-delay", "PT60S");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scaling-policy"), r.out());
        assertTrue(r.out().contains("sipmediagw-v1.5"), r.out());
        assertTrue(r.out().contains("simplescalevm-2022"), r.out());
        assertTrue(r.out().contains("physical-limit"), r.out());
    }

    @Test
    void simulateWritesJsonAndCsv() throws Exception {
        Path csv = dir.resolve("timeline.csv");
        Run r = run("simulate", "--trace", "../traces/burst.csv", "--json", "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"trace\""), r.out());
        assertTrue(r.out().contains("\"busy_deleted\":0"), r.out());
        assertTrue(r.out().contains("\"strategies\":[{\"strategy\":\"scaling-policy\",\"calls\":"), r.out());
        assertTrue(Files.readAllLines(csv).size() > 10);
    }

    @Test
    void simulateDrawsEveryStrategyIntoTheSvgPlot() throws Exception {
        Path svg = dir.resolve("replay.svg");
        Run r = run("simulate", "--trace", "../traces/burst.csv", "--plot", svg.toString());
        assertEquals(0, r.code(), r.err());
        String text = Files.readString(svg);
        assertTrue(text.startsWith("<svg"), text);
        for (String s : new String[] {"scaling-policy", "sipmediagw-v1.5", "simplescalevm-2022", "physical-limit"}) {
            assertTrue(text.contains(s + ":"), s);
        }
    }

    @Test
    void simulateWarnsWhenMaxHostsCappedTheRunAndReadsOnlyThePoolSection() throws Exception {
        Path conf = dir.resolve("pool-only.conf");
        // No secret files exist beside this file: simulate must not need them.
        Files.writeString(conf, "scaler { pools { gw { image = i, flavor = f, network = n, max-hosts = 3 } } }");
        Run r = run("simulate", "--config", conf.toString(), "--trace", "../traces/burst.csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("warning: scaling-policy reached max-hosts 3"), r.out());
    }

    @Test
    void simulateSkipsAndCountsMalformedRowsAndStrictRefusesThemByLine() throws Exception {
        Path t = dir.resolve("t.csv");
        Files.writeString(t, "start,end\n10,20\n30\n40,50\n");
        Run lenient = run("simulate", "--trace", t.toString());
        assertEquals(0, lenient.code(), lenient.err());
        assertTrue(lenient.out().contains("2 calls (1 malformed rows skipped)"), lenient.out());
        assertTrue(lenient.err().contains("skipped trace line 3"), lenient.err());
        Run strict = run("simulate", "--strict", "--trace", t.toString());
        assertEquals(1, strict.code());
        assertTrue(strict.err().contains("trace line 3"), strict.err());
    }
}
