package org.sipmediadeploy.core.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a call trace: CSV lines {@code start,end} as ISO-8601 instants or as seconds from the trace start, with an
 * optional header line and {@code #} comments. Errors name the line.
 */
public final class Traces {
    private static final Instant EPOCH = Instant.parse("2026-01-05T00:00:00Z");

    private Traces() {
    }

    public static List<Call> parse(String csv) {
        List<Call> calls = new ArrayList<>();
        String[] lines = csv.split("\\R");
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // The header is the first line that is not blank or a comment (a trace often starts with comments).
            boolean header = first && Character.isLetter(line.charAt(0));
            first = false;
            if (header) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 2) {
                throw new IllegalArgumentException("trace line " + (i + 1) + ": expected start,end but got '" + line + "'");
            }
            try {
                calls.add(new Call(instant(f[0].strip()), instant(f[1].strip())));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("trace line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        calls.sort(Comparator.comparing(Call::start));
        return calls;
    }

    private static Instant instant(String s) {
        if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) && !s.contains("T"))) {
            return EPOCH.plusMillis(Math.round(Double.parseDouble(s) * 1000));
        }
        return Instant.parse(s);
    }
}
