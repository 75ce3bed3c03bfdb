package org.sipmediadeploy.core.port;

import java.util.Map;
import org.sipmediadeploy.core.model.Secret;

/**
 * Renders the cloud-init user data of a new scaler node (implemented by the daemon from its own configuration,
 * certificates and secret files). The result holds secrets: it goes to the cloud and nowhere else.
 */
public interface NodeProvisioning {
    /**
     * The user data of node {@code nodeId} whose Raft configuration will be {@code peers} (id to {@code host:port},
     * the new node included).
     */
    Secret userData(String nodeId, Map<String, String> peers);
}
