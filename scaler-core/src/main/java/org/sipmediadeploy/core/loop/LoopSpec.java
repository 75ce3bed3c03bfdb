package org.sipmediadeploy.core.loop;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.model.PoolMode;

/**
 * What the control loop manages: the pairs and pools by name, the deployment tag on every server it creates, this
 * node's id, the size of the cluster (for majorities), and which pairs / pools run dry (decisions committed and
 * recorded SKIPPED, the cloud untouched).
 */
public record LoopSpec(
        String nodeId,
        int clusterSize,
        String tag,
        Map<String, PairConfig> pairs,
        Map<String, PoolConfig> pools,
        List<String> dryRun) {
    public LoopSpec {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(tag, "tag");
        pairs = Map.copyOf(pairs);
        pools = Map.copyOf(pools);
        dryRun = List.copyOf(dryRun);
        if (clusterSize < 1) {
            throw new IllegalArgumentException("cluster size must be >= 1");
        }
    }

    /** Named dry on the command line, or a pool configured {@code mode = "dry-run"}. */
    public boolean isDryRun(String scope) {
        PoolConfig pool = pools.get(scope);
        return dryRun.contains(scope) || (pool != null && pool.mode() == PoolMode.DRY_RUN);
    }
}
