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
    @SuppressWarnings("StringSplitter") // a request line's method, its first word, is never empty
    private List<String[]> requests() {
        List<String[]> out = new ArrayList<>();
        for (SipTrace.Message m : SipTrace.read(messages)) {
            if (m.received() && m.status() == 0) {
                out.add(new String[] {m.firstLine().split(" ")[0], m.callId()});
            }
        }
        return out;
    }
}
