package org.sipmediadeploy.core.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** A single-node log applying commands through the real transitions; the test sets who leads in which term. */
final class FakeConsensus implements Consensus {
    ClusterState state = ClusterState.empty();
    long index;
    long leaderTerm = 1;
    boolean leader = true;
    final List<Command> log = new ArrayList<>();

    @Override
    public CompletableFuture<CommitResult> propose(Command command) {
        Applied a = Transitions.apply(state, command, ++index);
        state = a.state();
        log.add(command);
        return CompletableFuture.completedFuture(new CommitResult(index, command.term(), a.refusal()));
    }

    @Override
    public ClusterState state() {
        return state;
    }

    @Override
    public OptionalLong leaderTerm() {
        return leader ? OptionalLong.of(leaderTerm) : OptionalLong.empty();
    }
}
