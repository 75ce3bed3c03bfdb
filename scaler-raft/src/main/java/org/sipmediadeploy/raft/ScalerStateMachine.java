package org.sipmediadeploy.raft;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated state machine: a thin shell over {@link Transitions}.
 *
 * <ul>
 *   <li>{@link #startTransaction} (leader, before the log): decodes and validates against the applied state; an
 *   invalid command never enters the log and its proposer gets the refusal reason.</li>
 *   <li>{@link #applyTransaction} (every node, log order, one thread): validates again and applies; a command that
 *   became invalid in flight is a no-op whose refusal goes back to the proposer.</li>
 *   <li>Term fence: leader work ({@code Propose}, {@code RecordOutcome}, {@code RecordStep}, {@code SyncScalers},
 *   {@code InitPair}, {@code InitPool}, {@code SetAlarms}) must carry the term it is committed in. A deposed
 *   leader's entry that reaches the log through the new leader is refused, even before the new leader has raised
 *   {@code highestTerm}.</li>
 *   <li>The state and its applied term/index are one immutable {@link View} swapped atomically, so
 *   {@link #query} and {@link #takeSnapshot} (other threads) always see a consistent pair.</li>
 * </ul>
 */
final class ScalerStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ScalerStateMachine.class);
    private static final String REFUSED_OPEN = "REFUSED[";

    /** The applied state and the last log position it includes. */
    record View(ClusterState state, TermIndex applied) {}

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final AtomicReference<View> view = new AtomicReference<>(new View(ClusterState.empty(), null));
    /**
     * How long a peer waits for its own verdict to settle before answering "do you see X?": below the asker's
     * confirm-timeout (300 ms by default), about the 250 ms probe timeout that settles a failing probe.
     */
    static final java.time.Duration PEER_SETTLE = java.time.Duration.ofMillis(200);

    private final ProbeView probes;
    private final LeadershipListener listener;
    private final Executor events;
    private final AtomicBoolean leading = new AtomicBoolean();

    ScalerStateMachine(ProbeView probes, LeadershipListener listener, Executor events) {
        this.probes = Objects.requireNonNull(probes, "probes");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.events = Objects.requireNonNull(events, "events");
    }

    ClusterState state() {
        return view.get().state();
    }

    View view() {
        return view.get();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        reinitialize();
    }

    /** Called on start and after a snapshot was installed from the leader: load the newest snapshot, if any. */
    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5Hash actual = MD5FileUtil.computeMd5ForFile(file.toFile());
            if (!expected.equals(actual)) {
                throw new IOException("snapshot " + file + " is corrupt: MD5 " + actual + " != " + expected);
            }
        }
        ClusterState loaded;
        try {
            loaded = Codec.decodeState(Files.readAllBytes(file));
        } catch (CodecException e) {
            throw new IOException("cannot read snapshot " + file + ": " + e.getMessage(), e);
        }
        TermIndex ti = snapshot.getTermIndex();
        view.set(new View(loaded, ti));
        setLastAppliedTermIndex(ti);
        LOG.info("restored state from snapshot {} at {}", file.getFileName(), ti);
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        String refusal;
        try {
            Command c = Codec.decodeCommand(request.getMessage().getContent().toByteArray());
            refusal = termRefusal(c, currentTerm())
                    .or(() -> Transitions.validate(state(), c))
                    .orElse(null);
        } catch (CodecException e) {
            refusal = e.getMessage();
        }
        if (refusal != null) {
            // Ratis answers the client with a StateMachineException carrying this message; the entry is not logged.
            trx.setException(new RefusedException(refusal));
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        long term = entry.getTerm();
        Command c;
        try {
            c = Codec.decodeCommand(entry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (CodecException e) {
            // Only a node older than the writer can meet this. Skipping would make it diverge: stop loudly.
            LOG.error("cannot apply log entry {}: {}", TermIndex.valueOf(term, index), e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        View before = view.get();
        String refusal = termRefusal(c, term).orElse(null);
        ClusterState next = before.state();
        if (refusal == null) {
            Applied applied = Transitions.apply(before.state(), c, index);
            next = applied.state();
            refusal = applied.refusal();
        }
        TermIndex ti = TermIndex.valueOf(term, index);
        view.set(new View(next, ti));
        updateLastAppliedTermIndex(ti);
        return CompletableFuture.completedFuture(
                Message.valueOf(ByteString.copyFrom(Codec.encodeReply(new Codec.CommitReply(index, term, refusal)))));
    }

    /** Configuration and leader no-op entries advance the applied index without touching the state. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        view.updateAndGet(v -> new View(v.state(), TermIndex.valueOf(term, index)));
    }

    @Override
    public long takeSnapshot() throws IOException {
        View v = view.get();
        TermIndex ti = v.applied();
        if (ti == null) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(ti.getTerm(), ti.getIndex());
        Path target = file.toPath();
        // Write, force, rename, force the directory: a crash never leaves a half snapshot under a valid name, and
        // the name survives a power failure.
        DurableFiles.replace(target, Codec.encodeState(v.state()), DurableFiles.FSYNC);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        if (md5 == null) {
            throw new IOException("could not save the MD5 of snapshot " + file);
        }
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target, md5), ti));
        LOG.debug("snapshot written at {}", ti);
        return ti.getIndex();
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            String target = Codec.decodeProbeQuery(request.getContent().toByteArray());
            // a verdict still UNKNOWN (failing below the threshold) is given once it settles, within PEER_SETTLE
            return probes.settled(target, PEER_SETTLE)
                    .thenApply(s -> Message.valueOf(ByteString.copyFrom(Codec.encodeProbeAnswer(s))));
        } catch (CodecException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void notifyLeaderReady() {
        long term;
        try {
            term = currentTerm();
        } catch (IllegalStateException e) {
            LOG.warn("leader ready but the term is unreadable; leader work not started", e);
            return;
        }
        leading.set(true);
        LOG.info("{} is the ready leader of term {}", getId(), term);
        events.execute(() -> safely(() -> listener.leaderReady(term)));
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        stepDown("not leader");
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        if (!groupMemberId.getPeerId().equals(newLeaderId)) {
            stepDown("leader is now " + newLeaderId);
        }
    }

    @Override
    public void notifyServerShutdown(RoleInfoProto roleInfo, boolean allServer) {
        stepDown("shutting down");
    }

    @Override
    public void close() throws IOException {
        stepDown("closing");
        super.close();
    }

    private void stepDown(String why) {
        if (leading.compareAndSet(true, false)) {
            LOG.info("{} stops leader work: {}", getId(), why);
            events.execute(() -> safely(listener::notLeader));
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("leadership listener threw", e);
        }
    }

    private long currentTerm() {
        try {
            DivisionInfo info = getServer().get().getDivision(getGroupId()).getInfo();
            return info.getCurrentTerm();
        } catch (IOException e) {
            throw new IllegalStateException("no division for " + getGroupId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Leader work must be committed in the term that decided it: anything else comes from a deposed leader. */
    static Optional<String> termRefusal(Command c, long term) {
        // Everything the control loop commits; operator mode changes carry the term the node saw and are
        // validated on their own.
        boolean leaderWork = c instanceof Command.Propose
                || c instanceof Command.RecordOutcome
                || c instanceof Command.SetAlarms
                || c instanceof Command.RecordStep
                || c instanceof Command.SyncScalers
                || c instanceof Command.InitPair
                || c instanceof Command.InitPool
                || c instanceof Command.RecordArrivals;
        if (leaderWork && c.term() != term) {
            return Optional.of("stale term " + c.term() + ": the current term is " + term);
        }
        return Optional.empty();
    }

    /** Extracts a refusal reason from an exception (or its causes) that crossed Ratis, or null. */
    static String refusalIn(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            String m = x.getMessage();
            int open = m == null ? -1 : m.indexOf(REFUSED_OPEN);
            if (open >= 0) {
                int close = m.lastIndexOf(']');
                return close > open ? m.substring(open + REFUSED_OPEN.length(), close) : m.substring(open);
            }
        }
        return null;
    }

    /** A command refused before the log. Its message survives the trip to the client inside Ratis' exception. */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String reason) {
            super(REFUSED_OPEN + reason + "]");
        }
    }
}
