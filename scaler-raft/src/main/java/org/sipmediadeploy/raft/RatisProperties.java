package org.sipmediadeploy.raft;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** How a node's {@link RaftSettings} become Ratis server and client properties, parameters (TLS) and clients. */
final class RatisProperties {
    private RatisProperties() {}

    /** The parameters of the server and of its clients: this node's {@link LeaderContacts} and the TLS context. */
    static Parameters parameters(RaftSettings settings) {
        Parameters params = new Parameters();
        LeaderContacts.installIn(params);
        if (settings.tls() != null) {
            GrpcTlsConfig tls = new GrpcTlsConfig(
                    settings.tls().privateKey().toFile(),
                    settings.tls().certChain().toFile(),
                    settings.tls().trustedCas().toFile(),
                    true);
            // One TLS context for everything: peer RPC, client RPC and admin RPC share the server port.
            GrpcConfigKeys.Server.setTlsConf(params, tls);
            GrpcConfigKeys.Client.setTlsConf(params, tls);
            GrpcConfigKeys.Admin.setTlsConf(params, tls);
            GrpcConfigKeys.TLS.setConf(params, tls);
        }
        return params;
    }

    static RaftProperties server(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(s.storageDir().toFile()));
        GrpcConfigKeys.Server.setHost(p, s.host());
        GrpcConfigKeys.Server.setPort(p, s.port());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(s.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(s.electionTimeoutMax()));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(s.requestTimeout()));
        // A leader that stepped down for lost heartbeats (a CPU-starved moment) would sit out elections for Ratis'
        // default 10 s, which showed as 11 s takeovers; pre-vote already keeps a returning node from disrupting.
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(
                p, millis(s.electionTimeoutMax().multipliedBy(2)));
        // The state is read locally (state()); no linearizable reads are served, and the lease is off by choice.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.DEFAULT);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
        // gRPC, with the follower records reported to this node's LeaderContacts (the lease of isLeaderIn).
        RaftConfigKeys.Rpc.setType(p, new LeaderContacts.Rpc());
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, s.snapshotThreshold()));
        SizeInBytes segment = SizeInBytes.valueOf(s.logSegmentBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(s.logSegmentBytes(), 1 << 20)));
        return p;
    }

    static RaftProperties client(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(s.requestTimeout()));
        return p;
    }

    /** Ratis' client default retries forever; ours gives up after a bounded number of attempts. */
    static RetryPolicy proposalRetries(RaftSettings s) {
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(s.clientRetries(), millis(s.electionTimeoutMin()));
    }

    static RaftClient newClient(
            RaftGroup group, RaftProperties props, Parameters params, RetryPolicy retry, RaftPeerId leader) {
        RaftClient.Builder b = RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(props)
                .setParameters(params)
                .setRetryPolicy(retry);
        if (leader != null) {
            b.setLeaderId(leader);
        }
        return b.build();
    }

    static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
