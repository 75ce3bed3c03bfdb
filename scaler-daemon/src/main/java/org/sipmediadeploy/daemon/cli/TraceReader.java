package org.sipmediadeploy.daemon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.sipmediadeploy.core.sim.Call;

/**
 * Reads a call trace as operators have it: CSV lines {@code start,end} (further columns ignored), each time an
 * ISO-8601 instant or date-time with offset ({@code "2026-01-05T08:59:47+01:00"}, quoted or not, {@code T} or a
 * space between date and time), or seconds from the trace start; an optional header line, {@code #} comments, any
 * number of days; a {@code .gz} file is read through gzip. A row that cannot be a call (unparsable, or ending before
 * it starts: real exports hold a few) is skipped and counted, or in strict mode refused with its line number.
 */
final class TraceReader {
    /** Where "seconds from the trace start" count from: a Monday, so day-of-week seasonality is defined. */
    private static final Instant EPOCH = Instant.parse("2026-01-05T00:00:00Z");
    /** How many skipped rows the result describes one by one. */
    private static final int EXAMPLES = 3;

    /** The calls read, how many rows were skipped, and the first few of those with their line numbers. */
    record Trace(List<Call> calls, int skipped, List<String> skippedExamples) {
        Trace {
            calls = List.copyOf(calls);
            skippedExamples = List.copyOf(skippedExamples);
        }
    }

    private TraceReader() {}

    static Trace read(Path file, boolean strict) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), strict);
        }
    }

    // Kept: trailing empty lines and fields are dropped, so a row "5," still reports "expected start,end".
    @SuppressWarnings("StringSplitter")
    static Trace parse(String csv, boolean strict) {
        List<Call> calls = new ArrayList<>();
        List<String> examples = new ArrayList<>();
        int skipped = 0;
        String[] lines = csv.split("\\R");
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // The header is the first line that is not blank or a comment (a trace often starts with comments).
            boolean header = first && Character.isLetter(unquote(line).charAt(0));
            first = false;
            if (header) {
                continue;
            }
            String problem;
            String[] f = line.split(",");
            if (f.length < 2) {
                problem = "expected start,end but got '" + line + "'";
            } else {
                try {
                    calls.add(new Call(instant(unquote(f[0])), instant(unquote(f[1]))));
                    continue;
                } catch (DateTimeParseException | NumberFormatException e) {
                    problem = "cannot read a time in '" + line + "'";
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            String where = "trace line " + (i + 1) + ": " + problem;
            if (strict) {
                throw new IllegalArgumentException(where);
            }
            skipped++;
            if (examples.size() < EXAMPLES) {
                examples.add(where);
            }
        }
        calls.sort(Comparator.comparing(Call::start));
        return new Trace(calls, skipped, examples);
    }

    private static String unquote(String field) {
        String s = field.strip();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s.isEmpty() ? " " : s;
    }

    private static Instant instant(String s) {
        if (Character.isDigit(s.charAt(0)) && !s.contains("-")) {
            return EPOCH.plusMillis(Math.round(Double.parseDouble(s) * 1000));
        }
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + "T" + s.substring(11) : s;
        if (iso.endsWith("Z")) {
            return Instant.parse(iso);
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            // A time without an offset is taken as UTC, the only reading that does not depend on this machine.
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
        }
    }
}
