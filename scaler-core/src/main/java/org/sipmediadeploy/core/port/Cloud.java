package org.sipmediadeploy.core.port;

import java.util.List;
import java.util.Optional;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerSpec;

/**
 * The cloud as the scaler sees it (implemented with openstack4j, and by the sandbox through the same API).
 * Every operation is idempotent, and "already in the desired state" is success. Failures are thrown as
 * {@link CloudException} carrying a {@link CloudException.Kind}; implementations classify errors at this edge.
 */
public interface Cloud {
    /**
     * Servers whose metadata carries {@code ServerMetadata.TAG = tag} (every server when {@code tag} is null, e.g.
     * to find the pair members Terraform made); {@code namePrefix} (nullable) narrows the listing by name.
     */
    List<Server> listServers(String tag, String namePrefix);

    /** A server by id; empty when it does not exist. */
    Optional<Server> server(String serverId);

    /** The server created for {@code decisionId} under {@code tag}, if any (so a retried create finds it). */
    Optional<Server> findByDecision(String tag, String decisionId);

    /**
     * Creates a server, unless one for {@code spec.decisionId()} exists already, which is then returned.
     * Returns without waiting for ACTIVE.
     */
    Server createServer(ServerSpec spec);

    /** Deletes a server; one that is already gone counts as deleted. */
    void deleteServer(String serverId);

    /** The server's port on {@code network} (name or id), or its first port when {@code network} is null. */
    Optional<Port> portOf(String serverId, String network);

    /** A floating IP by its address. */
    Optional<FloatingIp> floatingIpByAddress(String address);

    /** Points the floating IP at {@code portId}; done when {@code port_id} is right (status is not awaited). */
    FloatingIp associate(String floatingIpId, String portId);

    /**
     * Points the floating IP at {@code toPortId} only while it is still where {@code expected} says (its port, and
     * its revision: sent as {@code If-Match} where the cloud offers it). Done when it already points at
     * {@code toPortId}. Anywhere else: {@link CloudException.Kind#STALE}, nothing changed. {@code guard} runs before
     * every try, retries included, and stops the call by throwing (the caller lost the right to act).
     */
    FloatingIp move(String floatingIpId, String toPortId, FloatingIpSource expected, Guard guard);

    /** Runs before every try of a cloud call; throws (any RuntimeException, passed through) to stop it untried. */
    @FunctionalInterface
    interface Guard {
        Guard NONE = () -> {};

        void check();
    }

    /** Detaches the floating IP from any port. */
    FloatingIp disassociate(String floatingIpId);

    /**
     * The port named {@code name} on {@code network}, created (with {@code securityGroups}, names or ids) when there
     * is none, so that a retried call finds the port it made. Its fixed address is known at once: a scaler node is
     * given its Raft address in its user data before its server exists.
     */
    default Port ensurePort(String network, String name, List<String> securityGroups) {
        throw new CloudException(
                CloudException.Kind.BAD_REQUEST, "ensurePort", "this cloud adapter cannot create ports");
    }

    /** Deletes a port; one that is already gone counts as deleted. */
    default void deletePort(String portId) {
        throw new CloudException(
                CloudException.Kind.BAD_REQUEST, "deletePort", "this cloud adapter cannot delete ports");
    }
}
