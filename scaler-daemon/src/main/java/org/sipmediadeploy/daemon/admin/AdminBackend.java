package org.sipmediadeploy.daemon.admin;

import java.util.List;
import java.util.Optional;
import org.sipmediadeploy.core.decision.DecisionRecord;

/**
 * What the admin HTTP API asks of the daemon; the daemon implements it, {@link AdminServer} serves it.
 *
 * <p>Methods run on the admin server's own worker threads (never on Netty's I/O threads), so they may block on a
 * Raft commit, but each should return within a few seconds (bound your waits). A method that throws is answered
 * with a 500 and a generic message; the exception is logged, never shown to the client. Operator actions answer
 * with an {@link ActionResult}: the HTTP status follows from its type (see {@link ActionResult}).
 */
public interface AdminBackend {
    /** This node, the cluster as this node sees it, pairs, pools and open alarms ({@code GET /v1/status}). */
    StatusView status();

    /**
     * Decisions as this node's applied state holds them, open and finished ({@code GET /v1/history}). May return
     * more than {@code limit} and in any order: the server sorts by log index, newest first, and keeps
     * {@code limit} (1..500).
     */
    List<DecisionRecord> history(int limit);

    /**
     * An operator's failover of pair {@code pair}, to member {@code toMember} (a member's name or server id) or,
     * when empty, to the standby. {@code NotFound} for an unknown pair or member, {@code Refused} with the reason
     * when the target is unhealthy (or the pair is mid-replacement), {@code Unavailable} when there is no leader
     * to commit it.
     */
    ActionResult failover(String pair, Optional<String> toMember);

    /** Pool {@code pool} stops making decisions ({@code POST /v1/pools/{name}/pause}). */
    ActionResult pausePool(String pool);

    /** Pool {@code pool} goes back to AUTO ({@code POST /v1/pools/{name}/resume}). */
    ActionResult resumePool(String pool);

    /** Host {@code hostId} (its name in the pool, or its server id) takes no new calls and is deleted once idle. */
    ActionResult drainHost(String hostId);

    /**
     * Adds scaler node {@code id} at Raft address {@code address} (host:port) to the configuration
     * ({@code POST /v1/members/{id}/add}). The node must be running (it waits to be added). {@code Refused} when the
     * change would leave no majority or breaks a rule, {@code Unavailable} when there is no leader or it did not
     * complete (e.g. the node did not catch up). May block up to the membership timeout (about 30 s).
     */
    ActionResult addMember(String id, String address);

    /** Removes scaler node {@code id} ({@code POST /v1/members/{id}/remove}); {@code NotFound} for an unknown node. */
    ActionResult removeMember(String id);

    /**
     * Replaces scaler node {@code oldId} by {@code newId} at {@code address} in one change
     * ({@code POST /v1/members/{oldId}/replace}); {@code NotFound} when {@code oldId} is not a member.
     */
    ActionResult replaceMember(String oldId, String newId, String address);

    /** The process is up and not wedged ({@code GET /health/live}: 200, else 503). */
    boolean live();

    /** This node can serve: Raft joined, a leader known, probes running ({@code GET /health/ready}: 200 / 503). */
    boolean ready();

    /** Prometheus text exposition of this node's metrics ({@code GET /metrics}); e.g. {@code metrics.scrape()}. */
    String prometheus();
}
