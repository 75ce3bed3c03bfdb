package org.sipmediadeploy.raft;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.port.Consensus.CommitResult;

/**
 * One command through the Raft log: sent by the proposal client (bounded retries), bounded in time as a whole, and
 * its outcome (committed, or refused by the state machine) as a {@link CommitResult}; other failures complete
 * exceptionally.
 */
final class Proposal {
    private Proposal() {}

    /** The longest a proposal can take before it fails: every try and the sleeps between them. */
    static Duration bound(RaftSettings settings) {
        return settings.requestTimeout()
                .multipliedBy(settings.clientRetries() + 1L)
                .plus(settings.electionTimeoutMin().multipliedBy(settings.clientRetries()));
    }

    static CompletableFuture<CommitResult> send(RaftClient client, RaftSettings settings, Command command) {
        Message m = Message.valueOf(ByteString.copyFrom(Codec.encodeCommand(command)));
        long bound = bound(settings).toMillis();
        return client.async().send(m).orTimeout(bound, TimeUnit.MILLISECONDS).handle((reply, error) -> {
            if (error != null) {
                String refusal = ScalerStateMachine.refusalIn(error);
                if (refusal != null) {
                    return new CommitResult(-1, command.term(), refusal);
                }
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            if (!reply.isSuccess()) {
                String refusal = ScalerStateMachine.refusalIn(reply.getException());
                if (refusal != null) {
                    return new CommitResult(-1, command.term(), refusal);
                }
                throw new CompletionException(reply.getException());
            }
            Codec.CommitReply r =
                    Codec.decodeReply(reply.getMessage().getContent().toByteArray());
            return new CommitResult(r.index(), r.term(), r.refusal());
        });
    }
}
