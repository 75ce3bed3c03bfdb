package org.sipmediadeploy.raft;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/**
 * The leader's lease, counted from when a request was <em>sent</em>: for each follower, the send time of the latest
 * append request it answered. A reply proves the follower took this leader's term at send time, not at reply time
 * (a reply delayed by 2 s renews nothing past send + 2 s), so the age of that send time is what must stay below the
 * election timeout. Ratis keeps that time ({@link FollowerInfo#getLastRespondedAppendEntriesSendTime()}), but only
 * shows the reply time through its public role info and its own lease is reachable only by linearizable reads; so
 * the node's RPC factory hands each follower record to this class as Ratis makes it ({@link Rpc}).
 */
final class LeaderContacts {
    private static final String KEY = LeaderContacts.class.getName();

    private final Map<String, FollowerInfo> followers = new ConcurrentHashMap<>();
    private volatile LeaderState leadership;

    /** Puts a fresh instance into {@code params}; a server built with them and {@link Rpc} reports to it. */
    static LeaderContacts installIn(Parameters params) {
        LeaderContacts c = new LeaderContacts();
        params.put(KEY, c, LeaderContacts.class);
        return c;
    }

    /** A follower record of a leadership; a new leadership forgets the records of the previous one. */
    synchronized void track(LeaderState leader, FollowerInfo follower) {
        if (leader != leadership) {
            followers.clear();
            leadership = leader;
        }
        followers.put(follower.getId().toString(), follower);
    }

    /** Per follower id: milliseconds since the send of the latest request it answered. */
    Map<String, Long> ackedSendAgeMillis() {
        Map<String, Long> out = new java.util.TreeMap<>();
        followers.forEach(
                (id, f) -> out.put(id, f.getLastRespondedAppendEntriesSendTime().elapsedTimeMs()));
        return out;
    }

    /**
     * Ratis' gRPC transport, reporting each follower record to the {@link LeaderContacts} of the server's parameters,
     * with the {@link RejoinSafeAppender} as each follower's log appender.
     * Named by class in the server properties (Ratis instantiates it by name).
     */
    public static final class Rpc implements RpcType {
        @Override
        public String name() {
            return Rpc.class.getName();
        }

        @Override
        public RpcFactory newFactory(Parameters params) {
            LeaderContacts contacts = params.get(KEY, LeaderContacts.class);
            return new GrpcFactory(params) {
                @Override
                public LogAppender newLogAppender(RaftServer.Division server, LeaderState leader, FollowerInfo f) {
                    if (contacts != null) {
                        contacts.track(leader, f);
                    }
                    return new RejoinSafeAppender(server, leader, f);
                }
            };
        }
    }
}
