package org.sipmediadeploy.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Just enough SIP to answer a request statelessly, the way Kamailio's {@code sl_send_reply} does. */
final class SipMessages {
    private SipMessages() {}

    /**
     * The reply to one request: 200 for OPTIONS, nothing for ACK or responses, 501 otherwise. {@code received}
     * and {@code rport} are added to the top Via as RFC 3581 asks when the request came through NAT.
     */
    // Kept: trailing empty lines carry no header, and a request line is read by its leading words.
    @SuppressWarnings("StringSplitter")
    static String replyTo(String request, String serverHeader, String sourceIp, int sourcePort) {
        int end = request.indexOf("\r\n\r\n");
        String head = end < 0 ? request : request.substring(0, end);
        String[] lines = head.split("\r\n");
        if (lines.length == 0 || lines[0].startsWith("SIP/2.0")) {
            return null;
        }
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 3 || !requestLine[2].startsWith("SIP/2.0")) {
            return null;
        }
        String method = requestLine[0].toUpperCase(Locale.ROOT);
        if (method.equals("ACK")) {
            return null;
        }
        List<String> vias = new ArrayList<>();
        String from = null;
        String to = null;
        String callId = null;
        String cseq = null;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int colon = l.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            if (name.equals("via") || name.equals("v")) {
                vias.add(value);
            } else if (name.equals("from") || name.equals("f")) {
                from = value;
            } else if (name.equals("to") || name.equals("t")) {
                to = value;
            } else if (name.equals("call-id") || name.equals("i")) {
                callId = value;
            } else if (name.equals("cseq")) {
                cseq = value;
            }
        }
        if (vias.isEmpty() || from == null || to == null || callId == null || cseq == null) {
            return null;
        }
        String top = vias.get(0);
        if (top.contains(";rport") && !top.contains(";rport=")) {
            top = top.replace(";rport", ";rport=" + sourcePort);
        }
        if (!top.contains(";received=")) {
            top = top + ";received=" + sourceIp;
        }
        vias.set(0, top);
        if (!to.contains(";tag=")) {
            to = to + ";tag=sbx" + Integer.toHexString(callId.hashCode());
        }
        boolean options = method.equals("OPTIONS");
        StringBuilder sb = new StringBuilder();
        sb.append(options ? "SIP/2.0 200 OK" : "SIP/2.0 501 Not Implemented").append("\r\n");
        for (String v : vias) {
            sb.append("Via: ").append(v).append("\r\n");
        }
        sb.append("From: ").append(from).append("\r\n");
        sb.append("To: ").append(to).append("\r\n");
        sb.append("Call-ID: ").append(callId).append("\r\n");
        sb.append("CSeq: ").append(cseq).append("\r\n");
        sb.append("Server: ").append(serverHeader).append("\r\n");
        if (options) {
            sb.append("Allow: OPTIONS\r\n");
        }
        sb.append("Content-Length: 0\r\n\r\n");
        return sb.toString();
    }

    /** Length of the first complete message in {@code data} (headers + Content-Length body), or -1. */
    @SuppressWarnings("StringSplitter") // empty header lines have no colon and are skipped either way
    static int messageLength(String data) {
        int end = data.indexOf("\r\n\r\n");
        if (end < 0) {
            return -1;
        }
        int length = 0;
        for (String l : data.substring(0, end).split("\r\n")) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                if (name.equals("content-length") || name.equals("l")) {
                    try {
                        length = Integer.parseInt(l.substring(colon + 1).trim());
                    } catch (NumberFormatException e) {
                        length = 0;
                    }
                }
            }
        }
        int total = end + 4 + length;
        return data.length() >= total ? total : -1;
    }
}
