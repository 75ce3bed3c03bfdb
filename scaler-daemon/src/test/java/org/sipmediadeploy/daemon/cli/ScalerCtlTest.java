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

    record Run(int code, String out, String err) {
    }

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
        assertTrue(r.out().contains("time-of-day-threshold-60s"), r.out());
        assertTrue(r.out().contains("fixed-spare-min-60s"), r.out());
    }

    @Test
    void simulateWritesJsonAndCsv() throws Exception {
        Path csv = dir.resolve("timeline.csv");
        Run r = run("simulate", "--trace", "../traces/burst.csv", "--json", "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"trace\""), r.out());
        assertTrue(r.out().contains("\"busy_deleted\":0"), r.out());
        assertTrue(Files.readAllLines(csv).size() > 10);
    }

    @Test
    void simulateNamesTheLineOfABadTrace() throws Exception {
        Path t = dir.resolve("t.csv");
        Files.writeString(t, "start,end\n10,20\n30\n");
        Run r = run("simulate", "--trace", t.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("trace line 3"), r.err());
    }
}
