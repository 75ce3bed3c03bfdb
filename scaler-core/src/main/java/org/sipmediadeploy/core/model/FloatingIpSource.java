package org.sipmediadeploy.core.model;

/**
 * Where a floating IP was when a move was decided: the port it pointed at ({@code null}: none) and Neutron's
 * {@code revision_number} then (-1 when the cloud gives none). Committed with the move, it makes the move
 * conditional: the cloud carries it out only while the floating IP is still there, so a deposed leader's late retry
 * cannot undo what the next leader did.
 */
public record FloatingIpSource(String portId, long revision) {
    public static FloatingIpSource of(FloatingIp f) {
        return new FloatingIpSource(f.portId(), f.revision());
    }

    /** Whether {@code f} is still where this source says (same port, and same revision when both are known). */
    public boolean matches(FloatingIp f) {
        boolean samePort = portId == null ? f.portId() == null : portId.equals(f.portId());
        return samePort && (revision < 0 || f.revision() < 0 || revision == f.revision());
    }

    @Override
    public String toString() {
        return (portId == null ? "no port" : "port " + portId) + (revision < 0 ? "" : " at revision " + revision);
    }
}
