package org.sipmediadeploy.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.sim.Call;

class TraceReaderTest {
    @TempDir
    Path dir;

    private static List<Call> calls(String csv) {
        return TraceReader.parse(csv, true).calls();
    }

    @Test
    void readsTheSipMediaGwFormatQuotedWithOffsetsAndAHeader() {
        TraceReader.Trace t = TraceReader.parse("""
                "start","end"
                "2026-03-02T09:00:00+01:00","2026-03-02T09:05:00+01:00"
                "2026-03-02 09:01:00.250+01:00","2026-03-02 10:02:00+01:00"
                """, true);
        assertEquals(
                List.of(
                        new Call(Instant.parse("2026-03-02T08:00:00Z"), Instant.parse("2026-03-02T08:05:00Z")),
                        new Call(Instant.parse("2026-03-02T08:01:00.250Z"), Instant.parse("2026-03-02T09:02:00Z"))),
                t.calls());
        assertEquals(0, t.skipped());
    }

    @Test
    void readsTheSameRowsWithoutAHeader() {
        assertEquals(
                1,
                calls("\"2026-03-02T09:00:00+01:00\",\"2026-03-02T09:05:00+01:00\"\n")
                        .size());
    }

    @Test
    void readsIsoInstantsAndAMultiDayTraceAcrossAnOffsetChange() {
        List<Call> c = calls("""
                2026-03-28T23:00:00+01:00,2026-03-29T03:30:00+02:00
                2026-03-30T09:00:00Z,2026-03-30T09:10:00Z
                """);
        assertEquals(
                Duration.ofMinutes(210),
                Duration.between(c.get(0).start(), c.get(0).end()));
        assertEquals(Instant.parse("2026-03-30T09:00:00Z"), c.get(1).start());
    }

    @Test
    void readsSecondsFromTheTraceStartWithFractions() {
        List<Call> c = calls("0,60\n30.5,90\n");
        Instant origin = c.get(0).start();
        assertEquals(Duration.ofSeconds(60), Duration.between(origin, c.get(0).end()));
        assertEquals(
                Duration.ofMillis(30_500), Duration.between(origin, c.get(1).start()));
    }

    @Test
    void skipsCommentsBlankLinesAHeaderAfterCommentsAndAcceptsCrLf() {
        assertEquals(
                2,
                calls("# recorded on gw-3\r\n\r\nstart,end\r\n0,10\r\n  # note\r\n5,15\r\n")
                        .size());
    }

    @Test
    void sortsCallsByStartAndIgnoresExtraColumns() {
        List<Call> c = calls("50,60,room-a\n0,10,room-b\n20,30\n");
        assertTrue(c.get(0).start().isBefore(c.get(1).start()));
        assertTrue(c.get(1).start().isBefore(c.get(2).start()));
    }

    @Test
    void malformedRowsAreSkippedAndCountedWithTheirLineNumbers() {
        TraceReader.Trace t = TraceReader.parse("start,end\n0,10\n20,10\nsoon,later\n5\n30,40\n", false);
        assertEquals(2, t.calls().size());
        assertEquals(3, t.skipped());
        assertTrue(
                t.skippedExamples().get(0).startsWith("trace line 3: call ends"),
                t.skippedExamples().toString());
        assertTrue(t.skippedExamples().get(1).startsWith("trace line 4: cannot read a time"));
        assertEquals(
                "trace line 5: expected start,end but got '5'",
                t.skippedExamples().get(2));
    }

    @Test
    void strictRefusesTheFirstMalformedRowNamingItsLine() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TraceReader.parse(
                        "start,end\n0,10\n# c\n\"2026-03-02T09:05:00+01:00\",\"2026-03-02T09:00:00+01:00\"\n", true));
        assertTrue(e.getMessage().startsWith("trace line 4: call ends"), e.getMessage());
    }

    @Test
    void readsAGzippedFile() throws Exception {
        Path f = dir.resolve("t.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write("start,end\n0,10\n20,10\n".getBytes(StandardCharsets.UTF_8));
        }
        TraceReader.Trace t = TraceReader.read(f, false);
        assertEquals(1, t.calls().size());
        assertEquals(1, t.skipped());
    }

    @Test
    void emptyTraceHasNoCalls() {
        assertEquals(List.of(), calls(""));
        assertEquals(List.of(), calls("start,end\n# nothing\n"));
    }
}
