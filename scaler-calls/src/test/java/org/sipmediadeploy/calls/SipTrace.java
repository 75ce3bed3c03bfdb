package org.sipmediadeploy.calls;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The messages of one SIPp -trace_msg file, in order, with their wall-clock time. */
final class SipTrace {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** One message: received or sent, its first line, Call-ID and CSeq method, and when (epoch ms). */
    record Message(double epochMillis, boolean received, String firstLine, String callId, String cseqMethod) {
        boolean isRequest(String method) {
            return firstLine.startsWith(method + " ");
        }

        /** The status code of a response, or 0 for a request. */
        int status() {
            return firstLine.startsWith("SIP/2.0 ") ? Integer.parseInt(firstLine.substring(8, 11)) : 0;
        }
    }

    private SipTrace() {}

    // Kept: dropping trailing empty lines is part of how a message's lines are cut out of the trace.
    @SuppressWarnings("StringSplitter")
    static List<Message> read(Path file) {
        List<Message> out = new ArrayList<>();
        // Each message: "----- 2026-12-07 10:52:42.420140", "UDP message received [N] bytes :", a blank line, the
        // message.
        for (String block : ("\n" + CallLab.read(file)).split("\n-{20,} ")) {
            String[] lines = block.split("\n");
            if (lines.length < 3 || !(block.contains("message received") || block.contains("message sent"))) {
                continue;
            }
            double at;
            try {
                at = LocalDateTime.parse(lines[0].trim(), STAMP)
                                .atZone(ZoneId.systemDefault())
                                .toInstant()
                                .toEpochMilli()
                        + (Integer.parseInt(lines[0].trim().substring(23, 26)) / 1000.0);
            } catch (RuntimeException e) {
                continue;
            }
            boolean received = lines[1].contains("received");
            int first = 2;
            while (first < lines.length && lines[first].isBlank()) {
                first++;
            }
            if (first >= lines.length) {
                continue;
            }
            String callId = "";
            String cseq = "";
            for (int i = first + 1; i < lines.length && !lines[i].isBlank(); i++) {
                if (lines[i].regionMatches(true, 0, "Call-ID:", 0, 8)) {
                    callId = lines[i].substring(8).trim();
                } else if (lines[i].regionMatches(true, 0, "CSeq:", 0, 5)) {
                    String[] words = lines[i].substring(5).trim().split("\\s+");
                    cseq = words.length > 1 ? words[1] : "";
                }
            }
            out.add(new Message(at, received, lines[first].trim(), callId, cseq));
        }
        return out;
    }
}
