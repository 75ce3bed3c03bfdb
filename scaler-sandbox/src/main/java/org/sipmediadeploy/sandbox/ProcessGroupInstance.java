package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance that is a real process started under {@code setsid}, so that it leads its own process group: every
 * signal (kill, freeze, resume, stop) goes to the whole group — Kamailio's workers outlive its main PID — and never
 * to a process found by name. Started processes are recorded in the {@link ProcessRegistry} and swept if the
 * sandbox's JVM dies.
 */
abstract sealed class ProcessGroupInstance implements Instance permits ProcessInstance, ScalerVmInstance {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroupInstance.class);

    private final long termWaitMillis;
    private final long killWaitMillis;
    private Process process;
    private volatile boolean frozen;

    /** {@code termWaitMillis}: how long a stop waits after SIGTERM; {@code killWaitMillis}: after SIGKILL. */
    ProcessGroupInstance(long termWaitMillis, long killWaitMillis) {
        this.termWaitMillis = termWaitMillis;
        this.killWaitMillis = killWaitMillis;
    }

    /** The process to start; its command must begin with {@code setsid}. */
    abstract ProcessBuilder processBuilder() throws IOException;

    @Override
    public final synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = processBuilder().start();
            frozen = false;
            ProcessRegistry.register(process.pid());
            LOG.info("started {} pid {}", kind(), process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + kind(), e);
        }
    }

    @Override
    public final synchronized void kill() {
        if (process == null) {
            return;
        }
        signalGroup("KILL");
        awaitExit(killWaitMillis);
        ProcessRegistry.unregister(process.pid());
        frozen = false;
    }

    @Override
    public final synchronized void freeze() {
        if (process != null && process.isAlive()) {
            signalGroup("STOP");
            frozen = true;
        }
    }

    @Override
    public final synchronized void resume() {
        if (process != null && process.isAlive()) {
            signalGroup("CONT");
        }
        frozen = false;
    }

    @Override
    public final synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public final boolean frozen() {
        return frozen;
    }

    @Override
    public final synchronized OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** SIGTERM (after SIGCONT if frozen: a stopped process cannot act on it), then SIGKILL to sweep the group. */
    @Override
    public final synchronized void close() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            if (frozen) {
                signalGroup("CONT");
            }
            signalGroup("TERM");
            if (!awaitExit(termWaitMillis)) {
                LOG.warn("{} pid {} ignored SIGTERM, killing its group", kind(), process.pid());
            }
        }
        // Workers can outlive the main process: always sweep the group.
        signalGroup("KILL");
        awaitExit(killWaitMillis);
        ProcessRegistry.unregister(process.pid());
        frozen = false;
    }

    private boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Signals the process group led by our child (setsid made its pid the group id). */
    private void signalGroup(String signal) {
        long pid = process.pid();
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, "--", "-" + pid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!k.waitFor(2, TimeUnit.SECONDS)) {
                k.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("kill -{} -{} failed: {}", signal, pid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
