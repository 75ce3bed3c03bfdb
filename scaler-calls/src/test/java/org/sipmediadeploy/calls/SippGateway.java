package org.sipmediadeploy.calls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A gateway played by a SIPp UAS that answers every INVITE and its BYE. What it received is read from its
 * -trace_msg file, so a test sees the gateway's own view: which calls reached it, whether one arrived while
 * another was still up (a call to a busy gateway), and which calls never got their BYE.
 */
final class SippGateway {
    private final String name;
    private final String ip;
    private final int port;
    private final Path messages;
    private final CallLab.Started process;

    SippGateway(String name, String ip, int port, Path messages, CallLab.Started process) {
        this.name = name;
        this.ip = ip;
        this.port = port;
        this.messages = messages;
        this.process = process;
    }

    String name() {
        return name;
    }

    String ip() {
        return ip;
    }

    int port() {
        return port;
    }

    boolean alive() {
        return process.alive();
    }

    /** Call-IDs of the INVITEs received, in order (retransmissions counted once). */
    List<String> invites() {
        return new ArrayList<>(received("INVITE"));
    }

    /** Call-IDs of the BYEs received. */
    Set<String> byes() {
        return received("BYE");
    }

    /** INVITEs that arrived while an earlier call (INVITE received, no BYE yet) was still up on this gateway. */
    int invitesWhileBusy() {
        Set<String> up = new LinkedHashSet<>();
        int busy = 0;
        for (String[] m : requests()) {
            if (m[0].equals("INVITE") && !up.contains(m[1])) {
                if (!up.isEmpty()) {
                    busy++;
                }
                up.add(m[1]);
            } else if (m[0].equals("BYE")) {
                up.remove(m[1]);
            }
        }
        return busy;
    }

    private Set<String> received(String method) {
        Set<String> ids = new LinkedHashSet<>();
        for (String[] m : requests()) {
            if (m[0].equals(method)) {
                ids.add(m[1]);
            }
        }
        return ids;
    }

    /** {method, Call-ID} of every request received, in order. */
    private List<String[]> requests() {
        List<String[]> out = new ArrayList<>();
        // Each message: a "----- timestamp" line, "UDP message received [N] bytes :", a blank line, the message.
        for (String block : CallLab.read(messages).split("\n-{20,} ")) {
            if (!block.contains("message received")) {
                continue;
            }
            String[] lines = block.split("\n");
            int first = 0;
            while (first < lines.length && !lines[first].isBlank()) {
                first++;
            }
            while (first < lines.length && lines[first].isBlank()) {
                first++;
            }
            if (first >= lines.length || lines[first].startsWith("SIP/2.0")) {
                continue;
            }
            String method = lines[first].split(" ")[0];
            for (int i = first + 1; i < lines.length; i++) {
                if (lines[i].regionMatches(true, 0, "Call-ID:", 0, 8)) {
                    out.add(new String[] {method, lines[i].substring(8).trim()});
                    break;
                }
            }
        }
        return out;
    }
}
