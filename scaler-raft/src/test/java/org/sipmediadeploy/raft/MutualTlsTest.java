package org.sipmediadeploy.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.raft.Fixtures.AWAIT;
import static org.sipmediadeploy.raft.Fixtures.T0;
import static org.sipmediadeploy.raft.Fixtures.commit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.command.Command;

class MutualTlsTest {
    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private LocalCluster clusterWith(Map<String, RaftSettings.TlsSettings> tls) {
        cluster = new LocalCluster(dir.resolve("raft"), 3, s -> s.withTls(tls.get(s.nodeId())));
        return cluster.startAll();
    }

    @Test
    void clusterWithMutualTlsElectsALeaderAndCommits() throws Exception {
        TestCerts ca = TestCerts.newCa(dir.resolve("pki"), "ca1");
        clusterWith(Map.of("n1", ca.issue("n1"), "n2", ca.issue("n2"), "n3", ca.issue("n3")));
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPool("gw", term, T0)).accepted());
        for (RaftNode n : cluster.nodes.values()) {
            await().atMost(AWAIT).until(() -> n.state().pool("gw").isPresent());
        }
    }

    @Test
    void nodeWithACertificateFromAnotherCaCannotJoin() throws Exception {
        TestCerts ca = TestCerts.newCa(dir.resolve("pki"), "ca1");
        TestCerts rogue = TestCerts.newCa(dir.resolve("pki"), "rogue");
        // n3 trusts the real CA but holds a certificate the others do not trust.
        clusterWith(Map.of("n1", ca.issue("n1"), "n2", ca.issue("n2"), "n3", rogue.issue("n3", ca.caCert())));
        RaftNode leader = cluster.awaitLeader(AWAIT);
        assertFalse(leader.id().equals("n3"));
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPool("gw", term, T0)).accepted());
        RaftNode other = cluster.followers(leader).stream()
                .filter(n -> !n.id().equals("n3"))
                .findFirst()
                .orElseThrow();
        await().atMost(AWAIT).until(() -> other.state().pool("gw").isPresent());
        RaftNode n3 = cluster.nodes.get("n3");
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(6))
                .until(() -> n3.state().pools().isEmpty() && n3.leaderTerm().isEmpty());
    }

    @Test
    void clientWithoutATrustedCertificateIsRejectedWhileATrustedOneIsServed() throws Exception {
        TestCerts ca = TestCerts.newCa(dir.resolve("pki"), "ca1");
        TestCerts rogue = TestCerts.newCa(dir.resolve("pki"), "rogue");
        clusterWith(Map.of("n1", ca.issue("n1"), "n2", ca.issue("n2"), "n3", ca.issue("n3")));
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        byte[] cmd = Codec.encodeCommand(new Command.InitPool("gw", term, T0));

        try (RaftClient trusted = rawClient(ca.issue("ops"))) {
            RaftClientReply reply = trusted.io().send(Message.valueOf(ByteString.copyFrom(cmd)));
            assertTrue(reply.isSuccess(), String.valueOf(reply.getException()));
        }
        // Signed by another CA: the server's mutual authentication refuses the handshake.
        try (RaftClient intruder = rawClient(rogue.issue("intruder", ca.caCert()))) {
            assertThrows(Exception.class, () -> {
                RaftClientReply r = intruder.io().send(Message.valueOf(ByteString.copyFrom(cmd)));
                if (!r.isSuccess()) {
                    throw r.getException();
                }
            });
        }
        assertEquals(1, leader.state().pools().size());
    }

    private RaftClient rawClient(RaftSettings.TlsSettings tls) {
        Map<String, String> peers = new HashMap<>(cluster.peers);
        java.util.List<RaftPeer> list = new java.util.ArrayList<>();
        peers.forEach((id, a) ->
                list.add(RaftPeer.newBuilder().setId(id).setAddress(a).build()));
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        Parameters params = new Parameters();
        GrpcConfigKeys.Client.setTlsConf(
                params,
                new GrpcTlsConfig(
                        tls.privateKey().toFile(),
                        tls.certChain().toFile(),
                        tls.trustedCas().toFile(),
                        true));
        return RaftClient.newBuilder()
                .setRaftGroup(RaftGroup.valueOf(RaftNode.groupId("test-cluster"), list))
                .setProperties(props)
                .setParameters(params)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        3, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }
}
