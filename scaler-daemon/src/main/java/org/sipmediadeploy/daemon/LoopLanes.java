package org.sipmediadeploy.daemon;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control loop's two lanes, each on its own thread: the pair lane (failovers) and the rest lane (inventory,
 * pools, host creation), so that one never waits for the other's cloud calls. Knows which thread is inside a pass,
 * so leader work can be cancelled when leadership is lost, and so a stopping node can tell whether a cloud call is
 * still in flight.
 */
final class LoopLanes {
    private final Lane pairs;
    private final Lane rest;

    LoopLanes(String nodeId) {
        this.pairs = new Lane("control-loop-pairs-" + nodeId);
        this.rest = new Lane("control-loop-" + nodeId);
    }

    /** Runs both passes every {@code period}, from now. */
    void start(Runnable pairPass, Runnable restPass, Duration period) {
        pairs.every(pairPass, period);
        rest.every(restPass, period);
    }

    /** Runs both passes once now (a new leader starts at once rather than at the next tick). */
    void kick(Runnable pairPass, Runnable restPass) {
        pairs.now(pairPass);
        rest.now(restPass);
    }

    /**
     * Interrupts the passes under way: a retry's backoff ends and the adapter's guard stops the next try. A call
     * already on the wire runs to its timeout (and a move is conditional on where the decision saw the IP).
     */
    void cancelInFlight() {
        pairs.interrupt();
        rest.interrupt();
    }

    /**
     * Stops both lanes: lets a pass under way finish for up to {@code grace}, then cancels it and waits up to
     * {@code grace} again. Returns whether both lanes are idle (no cloud call of this node still in flight).
     */
    boolean stop(Duration grace) throws InterruptedException {
        for (Lane l : List.of(pairs, rest)) {
            l.executor.shutdown();
        }
        // Both lanes are awaited, whatever the first one answers.
        boolean pairsStopped = pairs.await(grace);
        boolean restStopped = rest.await(grace);
        if (pairsStopped && restStopped) {
            return true;
        }
        cancelInFlight();
        boolean pairsCancelled = pairs.await(grace);
        boolean restCancelled = rest.await(grace);
        return pairsCancelled && restCancelled;
    }

    private static final class Lane {
        final ScheduledExecutorService executor;
        final AtomicReference<Thread> inPass = new AtomicReference<>();

        Lane(String name) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }

        void every(Runnable pass, Duration period) {
            var unused = executor.scheduleWithFixedDelay(() -> run(pass), 0, period.toMillis(), TimeUnit.MILLISECONDS);
        }

        void now(Runnable pass) {
            try {
                executor.execute(() -> run(pass));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: no new pass
            }
        }

        private void run(Runnable pass) {
            inPass.set(Thread.currentThread());
            try {
                pass.run();
            } finally {
                inPass.set(null);
                Thread.interrupted(); // a cancel aimed at this pass must not hit the next one
            }
        }

        synchronized void interrupt() {
            Thread t = inPass.get();
            if (t != null) {
                t.interrupt();
            }
        }

        boolean await(Duration d) throws InterruptedException {
            return executor.awaitTermination(d.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
