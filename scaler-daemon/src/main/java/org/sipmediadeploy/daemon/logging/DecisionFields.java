package org.sipmediadeploy.daemon.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sipmediadeploy.core.decision.Decision;

/**
 * The fields a decision contributes to logs, metrics and the admin history: its kind, whether its scope is a
 * pair or a pool, and its own particulars (servers, host names) under snake_case keys.
 */
public final class DecisionFields {
    private DecisionFields() {}

    /** The decision's kind, e.g. {@code Failover}, {@code CreateHost}. */
    public static String kind(Decision d) {
        return d.getClass().getSimpleName();
    }

    /** {@code "pair"} or {@code "pool"}: the field name that carries the decision's scope; {@code "scope"} else. */
    public static String scopeField(Decision d) {
        if (d instanceof Decision.Failover
                || d instanceof Decision.Reassociate
                || d instanceof Decision.ReplaceMember
                || d instanceof Decision.HoldPair) {
            return "pair";
        }
        if (d instanceof Decision.CreateHost
                || d instanceof Decision.HostReady
                || d instanceof Decision.DrainHost
                || d instanceof Decision.UndrainHost
                || d instanceof Decision.DeleteHost
                || d instanceof Decision.AdoptHost) {
            return "pool";
        }
        if (d instanceof Decision.ReplaceScaler) {
            return "scope"; // the scaler cluster itself
        }
        if (d instanceof Decision.DeleteOrphan) {
            // an orphan's scope is whichever pair or pool tagged the server
            return "scope";
        }
        throw new AssertionError(d);
    }

    /** The kind-specific particulars (never the reason, id or scope, which every decision has). */
    public static Map<String, String> details(Decision d) {
        Map<String, String> m = new LinkedHashMap<>();
        if (d instanceof Decision.Failover f) {
            m.put("from_server_id", f.fromServerId());
            m.put("to_server_id", f.toServerId());
        } else if (d instanceof Decision.Reassociate r) {
            m.put("server_id", r.serverId());
        } else if (d instanceof Decision.ReplaceMember r) {
            m.put("failed_server_id", r.failedServerId());
            m.put("new_name", r.newName());
        } else if (d instanceof Decision.HoldPair) {
            // nothing beyond the reason
        } else if (d instanceof Decision.CreateHost c) {
            m.put("host", c.hostName());
        } else if (d instanceof Decision.HostReady h) {
            m.put("host", h.hostName());
        } else if (d instanceof Decision.DrainHost h) {
            m.put("host", h.hostName());
        } else if (d instanceof Decision.UndrainHost h) {
            m.put("host", h.hostName());
        } else if (d instanceof Decision.DeleteHost h) {
            m.put("host", h.hostName());
        } else if (d instanceof Decision.DeleteOrphan o) {
            m.put("server_id", o.serverId());
        } else if (d instanceof Decision.AdoptHost a) {
            m.put("host", a.hostName());
            m.put("server_id", a.serverId());
        } else if (d instanceof Decision.ReplaceScaler r) {
            m.put("dead_node", r.deadNodeId());
            m.put("new_node", r.newNodeId());
        } else {
            throw new AssertionError(d);
        }
        return m;
    }
}
