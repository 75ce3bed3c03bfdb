package org.sipmediadeploy.probes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server process started in its own session and process group ({@code setsid}), so that signals reach
 * the whole group: Kamailio forks UDP/TCP workers that keep answering when only the main PID is stopped or
 * killed. Stopped by its recorded PID (group), never by name.
 */
final class RealProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final long pid;
    private final Path log;

    private RealProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.pid = process.pid();
        this.log = log;
    }

    static RealProcess start(String name, Path log, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>();
        // Not a group leader (child of the JVM), so setsid execs in place: the PID we record is the server's.
        cmd.add("setsid");
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new RealProcess(name, p, log);
    }

    long pid() {
        return pid;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Sends a signal to the whole process group (the group id is the recorded PID, see {@link #start}). */
    void signalGroup(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pid)
                    .inheritIO()
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " -" + pid + " failed for " + name);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * SIGSTOP to the group, returning once every thread of every member is stopped: kill(2) returns before the
     * signal has stopped a busy thread, and a thread still running could answer one more request.
     */
    void freeze() {
        signalGroup("STOP");
        org.awaitility.Awaitility.await(this + " group stopped")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(this::groupStopped);
    }

    void thaw() {
        signalGroup("CONT");
    }

    /** SIGKILL to the group: a crash, no graceful shutdown. */
    void kill() {
        signalGroup("KILL");
        waitFor(Duration.ofSeconds(5));
        // SIGKILL is asynchronous for the other members of the group: wait until none is left running.
        org.awaitility.Awaitility.await(this + " group exit")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !groupAlive());
    }

    private void waitFor(Duration d) {
        try {
            process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether any live (not zombie) process of the group is left: workers outliving their main process count.
     * Reads /proc because {@code kill -0} also succeeds on zombies that init has not reaped yet.
     */
    boolean groupAlive() {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(this::liveMember);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the group has a live member and every thread of every live member is in the stopped state. */
    boolean groupStopped() {
        try (var dirs = Files.list(Path.of("/proc"))) {
            List<Path> members = dirs.filter(
                            d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(this::liveMember)
                    .toList();
            return !members.isEmpty() && members.stream().allMatch(RealProcess::allThreadsStopped);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean allThreadsStopped(Path procDir) {
        try (var tasks = Files.list(procDir.resolve("task"))) {
            return tasks.allMatch(t -> "T".equals(statFields(t)[0]));
        } catch (IOException | RuntimeException gone) {
            return true; // exited meanwhile: it answers nothing either
        }
    }

    /** The fields of a /proc stat file after "pid (comm) ": comm may hold spaces, so parse after the last ')'. */
    private static String[] statFields(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            @SuppressWarnings("StringSplitter") // only leading fields are read; trailing empties cannot matter
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private boolean liveMember(Path procDir) {
        try {
            String[] f = statFields(procDir); // state ppid pgrp ...
            return Long.parseLong(f[2]) == pid && !"Z".equals(f[0]) && !"X".equals(f[0]);
        } catch (RuntimeException gone) {
            return false;
        }
    }

    @Override
    public void close() {
        if (!groupAlive()) {
            return;
        }
        try {
            signalGroup("CONT");
            signalGroup("TERM");
        } catch (IllegalStateException gone) {
            return;
        }
        waitFor(Duration.ofSeconds(5));
        if (groupAlive()) {
            try {
                signalGroup("KILL");
            } catch (IllegalStateException gone) {
                // exited meanwhile
            }
            waitFor(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid + ")";
    }
}
