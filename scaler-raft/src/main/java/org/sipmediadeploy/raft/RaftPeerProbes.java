package org.sipmediadeploy.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.port.PeerProbes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Do you see X?" over Ratis: a stale read (no log entry, no leader round trip) sent to each other node, answered
 * by its state machine's {@code query} from that node's own {@link ProbeView}. A stale read is used because a
 * plain read-only request is refused by followers; the answer does not come from replicated state anyway. The
 * client never retries: a node that does not answer within the timeout is simply absent.
 */
final class RaftPeerProbes implements PeerProbes {
    private static final Logger LOG = LoggerFactory.getLogger(RaftPeerProbes.class);
    private final Supplier<RaftClient> client;
    private final Supplier<List<RaftPeerId>> members;

    private final Executor executor;

    /** {@code client} and {@code members} are read at each ask: the configuration can change (membership). */
    RaftPeerProbes(Supplier<RaftClient> client, Supplier<List<RaftPeerId>> members, Executor executor) {
        this.client = client;
        this.executor = executor;
        this.members = members;
    }

    @Override
    public CompletableFuture<Map<String, ProbeStatus>> ask(String targetKey, Duration timeout) {
        Message query = Message.valueOf(ByteString.copyFrom(Codec.encodeProbeQuery(targetKey)));
        Map<String, ProbeStatus> answers = new ConcurrentHashMap<>();
        List<RaftPeerId> peers = List.copyOf(members.get());
        RaftClient client = this.client.get();
        CompletableFuture<?>[] calls = new CompletableFuture<?>[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            RaftPeerId peer = peers.get(i);
            CompletableFuture<Void> call;
            try {
                call = CompletableFuture.supplyAsync(() -> staleRead(client, query, peer), executor)
                        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .thenAccept(reply -> {
                            if (!reply.isSuccess()) {
                                LOG.debug("peer {} did not answer about {}: {}", peer, targetKey, reply.getException());
                            } else {
                                ProbeStatus s = Codec.decodeProbeAnswer(
                                        reply.getMessage().getContent().toByteArray());
                                // The peer answered but has no verdict of its own yet: it cannot tell.
                                answers.put(peer.toString(), s == null ? ProbeStatus.UNKNOWN : s);
                            }
                        });
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            calls[i] = call.exceptionally(e -> {
                LOG.debug("peer {} did not answer about {}: {}", peer, targetKey, e.toString());
                return null;
            });
        }
        return CompletableFuture.allOf(calls).thenApply(x -> Map.copyOf(new TreeMap<>(answers)));
    }

    @Override
    public OptionalInt clusterSize() {
        return OptionalInt.of(members.get().size() + 1);
    }

    /** Blocking unary call: the async API's streams were observed closed for per-server stale reads. */
    private static RaftClientReply staleRead(RaftClient client, Message query, RaftPeerId peer) {
        try {
            // A follower that has not yet learnt any commit index reports -1: it still knows what it probed itself.
            return client.io().sendStaleRead(query, -1, peer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
