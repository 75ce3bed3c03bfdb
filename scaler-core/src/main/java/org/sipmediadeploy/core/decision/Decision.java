package org.sipmediadeploy.core.decision;

import java.util.Objects;
import org.sipmediadeploy.core.model.FloatingIpSource;

/**
 * Everything the scaler decides, as immutable values with the reason it was decided. A decision is committed to
 * the replicated log before anything is done; those with {@link #actsOnCloud()} are then carried out by the
 * leader of the term that proposed them, and their outcome is committed as its own entry.
 */
public sealed interface Decision {
    /** Unique id, a {@link DecisionId} ({@code d<term>-<seq>-<node>}). */
    String id();

    /** The pair or pool this decision is about. */
    String scope();

    /** Why, in words an operator reads in {@code scalerctl history}. */
    String reason();

    /** Whether carrying it out calls the cloud (otherwise it is done once committed). */
    boolean actsOnCloud();

    /** Move the pair's floating IP from the failed active to the healthy standby. */
    record Failover(
            String id, String pair, String fromServerId, String toServerId, String reason, FloatingIpSource expected)
            implements Decision {
        /** A move with no committed source (decided before sources were committed): moved unconditionally. */
        public Failover(String id, String pair, String fromServerId, String toServerId, String reason) {
            this(id, pair, fromServerId, toServerId, reason, null);
        }

        public Failover {
            Decisions.require(id, pair, reason);
            Objects.requireNonNull(fromServerId, "fromServerId");
            Objects.requireNonNull(toServerId, "toServerId");
            if (fromServerId.equals(toServerId)) {
                throw new IllegalArgumentException("failover from and to the same member " + toServerId);
            }
        }

        @Override
        public String scope() {
            return pair;
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }

    /** Put the floating IP back on the active member's port (found elsewhere or nowhere). */
    record Reassociate(String id, String pair, String serverId, String reason, FloatingIpSource expected)
            implements Decision {
        public Reassociate(String id, String pair, String serverId, String reason) {
            this(id, pair, serverId, reason, null);
        }

        public Reassociate {
            Decisions.require(id, pair, reason);
            Objects.requireNonNull(serverId, "serverId");
        }

        @Override
        public String scope() {
            return pair;
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }

    /** Delete a failed standby and create {@code newName} in its place; the new server becomes the standby. */
    record ReplaceMember(String id, String pair, String failedServerId, String newName, String reason)
            implements Decision {
        public ReplaceMember {
            Decisions.require(id, pair, reason);
            Objects.requireNonNull(failedServerId, "failedServerId");
            Objects.requireNonNull(newName, "newName");
        }

        @Override
        public String scope() {
            return pair;
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }

    /** The pair stops failing over by itself (anti-flap limit reached); an alarm goes with it. */
    record HoldPair(String id, String pair, String reason) implements Decision {
        public HoldPair {
            Decisions.require(id, pair, reason);
        }

        @Override
        public String scope() {
            return pair;
        }

        @Override
        public boolean actsOnCloud() {
            return false;
        }
    }

    /** Create Gateway Host {@code hostName}. */
    record CreateHost(String id, String pool, String hostName, String reason) implements Decision {
        public CreateHost {
            Decisions.require(id, pool, reason);
            Objects.requireNonNull(hostName, "hostName");
        }

        @Override
        public String scope() {
            return pool;
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }

    /** A created host answers its status: it now counts by what it reports. */
    record HostReady(String id, String pool, String hostName, String reason) implements Decision {
        public HostReady {
            Decisions.require(id, pool, reason);
            Objects.requireNonNull(hostName, "hostName");
        }

        @Override
        public String scope() {
            return pool;
        }

        @Override
        public boolean actsOnCloud() {
            return false;
        }
    }

    /** Take no new calls on the host; it is deleted once idle. */
    record DrainHost(String id, String pool, String hostName, String reason) implements Decision {
        public DrainHost {
            Decisions.require(id, pool, reason);
            Objects.requireNonNull(hostName, "hostName");
        }

        @Override
        public String scope() {
            return pool;
        }

        @Override
        public boolean actsOnCloud() {
            return false;
        }
    }

    /** Demand came back: a draining host is put back in service instead of creating a new one. */
    record UndrainHost(String id, String pool, String hostName, String reason) implements Decision {
        public UndrainHost {
            Decisions.require(id, pool, reason);
            Objects.requireNonNull(hostName, "hostName");
        }

        @Override
        public String scope() {
            return pool;
        }

        @Override
        public boolean actsOnCloud() {
            return false;
        }
    }

    /** Delete the host's server (idle and drained, failed, lost, or reported terminable). */
    record DeleteHost(String id, String pool, String hostName, String reason) implements Decision {
        public DeleteHost {
            Decisions.require(id, pool, reason);
            Objects.requireNonNull(hostName, "hostName");
        }

        @Override
        public String scope() {
            return pool;
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }

    /**
     * Replace scaler node {@code deadNodeId}, unreachable too long, by a new node {@code newNodeId}: create its VM,
     * wait for its Raft server, switch the Raft configuration (new in, dead out; the new node catches up with the
     * log first), delete the dead VM. Its steps are recorded one by one ({@code Command.RecordStep}); only one is ever under way.
     */
    record ReplaceScaler(String id, String deadNodeId, String newNodeId, String reason) implements Decision {
        /** The scope of every decision about the scaler cluster itself. */
        public static final String SCOPE = "scalers";

        public ReplaceScaler {
            Decisions.require(id, SCOPE, reason);
            Objects.requireNonNull(deadNodeId, "deadNodeId");
            Objects.requireNonNull(newNodeId, "newNodeId");
            if (deadNodeId.equals(newNodeId)) {
                throw new IllegalArgumentException("a replacement cannot reuse the dead node's id " + newNodeId);
            }
        }

        @Override
        public String scope() {
            return SCOPE;
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }

    /**
     * A gateway server carrying our tag that the state does not know and no recorded decision made (the state was
     * lost or its create left the history), whose status answers: it joins its pool as a READY host.
     */
    record AdoptHost(String id, String pool, String hostName, String serverId, String address, String reason)
            implements Decision {
        public AdoptHost {
            Decisions.require(id, pool, reason);
            Objects.requireNonNull(hostName, "hostName");
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String scope() {
            return pool;
        }

        @Override
        public boolean actsOnCloud() {
            return false;
        }
    }

    /**
     * A server carrying our tag that the state does not hold although a recorded decision of ours made it (a crash
     * between create and record, a create that failed, a second server for one decision): delete it.
     */
    record DeleteOrphan(String id, String scope, String serverId, String reason) implements Decision {
        public DeleteOrphan {
            Decisions.require(id, scope, reason);
            Objects.requireNonNull(serverId, "serverId");
        }

        @Override
        public boolean actsOnCloud() {
            return true;
        }
    }
}
