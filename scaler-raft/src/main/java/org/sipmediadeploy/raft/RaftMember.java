package org.sipmediadeploy.raft;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A voting member of the Raft configuration: its stable peer id and the {@code host:port} its Raft server listens
 * on. Self-validating, so a change naming a malformed member is refused before anything reaches Ratis.
 */
public record RaftMember(String id, String address) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public RaftMember {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "member id must be 1-64 letters, digits, '.', '_' or '-', was '" + clip(id) + "'");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException(
                    "member " + id + " address must be host:port, was '" + clip(address) + "'");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member " + id + " has a bad port in '" + clip(address) + "'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("member " + id + " port must be in 1..65535, was " + port);
        }
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    @Override
    public String toString() {
        return id + "@" + address;
    }
}
