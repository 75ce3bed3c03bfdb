package org.sipmediadeploy.raft;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** A {@link RaftNodeMain} JVM started from the test classpath, controlled through stdin/stdout, killed by PID. */
final class NodeProcess implements AutoCloseable {
    final String id;
    final Process process;
    final long pid;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Writer stdin;

    /**
     * The space-separated words of a command or of a line the child printed. The children's lines are ours and
     * callers read leading words only, so String.split dropping trailing empty words cannot change a result.
     */
    @SuppressWarnings("StringSplitter")
    static String[] words(String line) {
        return line.split(" ");
    }

    private NodeProcess(String id, Process process) {
        this.id = id;
        this.process = process;
        this.pid = process.pid();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String logDir = System.getProperty("raft.child.logDir");
                        java.io.PrintWriter log = logDir == null
                                ? null
                                : new java.io.PrintWriter(
                                        Files.newBufferedWriter(
                                                Path.of(logDir, id + "-" + pid + ".log"), StandardCharsets.UTF_8),
                                        true);
                        for (String l = r.readLine(); l != null; l = r.readLine()) {
                            if (log != null) {
                                log.println(l);
                            }
                            if (l.startsWith("@@ ")) {
                                lines.add(System.nanoTime() + " " + l.substring(3));
                            }
                        }
                    } catch (IOException e) {
                        // The process died: nothing more to read.
                    }
                },
                "stdout-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    static NodeProcess start(String id, Map<String, String> peers, Path storage) throws IOException {
        return start(id, peers, storage, List.of());
    }

    /** The same, the JVM run with the group id {@code gid} (nftables rules can then tell its packets apart). */
    static NodeProcess startInGroup(String id, Map<String, String> peers, Path storage, long gid) throws IOException {
        return start(id, peers, storage, List.of("/usr/bin/setpriv", "--regid=" + gid, "--clear-groups", "--"));
    }

    /** The same, the JVM run through {@code prefix} (e.g. {@code setpriv --regid=G --clear-groups --}). */
    static NodeProcess start(String id, Map<String, String> peers, Path storage, List<String> prefix)
            throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String peerArg = peers.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC"));
        String extra = System.getProperty("raft.child.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", cp, RaftNodeMain.class.getName(), id, peerArg, storage.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new NodeProcess(id, p);
    }

    /** Terms this process announced READY for, in order. */
    List<Long> readyTerms() {
        List<Long> out = new ArrayList<>();
        for (String l : lines) {
            String[] w = words(l);
            if (w[1].equals("READY")) {
                out.add(Long.parseLong(w[2]));
            }
        }
        return out;
    }

    /** Of {@code procs}, the one that announced READY for the highest term above {@code term}, if any. */
    static java.util.Optional<NodeProcess> leaderAbove(java.util.Collection<NodeProcess> procs, long term) {
        NodeProcess best = null;
        long bestTerm = term;
        for (NodeProcess p : procs) {
            for (long t : p.readyTerms()) {
                if (t > bestTerm) {
                    best = p;
                    bestTerm = t;
                }
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /** The last term this process announced READY for. */
    long lastReadyTerm() {
        List<Long> t = readyTerms();
        return t.get(t.size() - 1);
    }

    OptionalLong readyNanos(long term) {
        for (String l : lines) {
            String[] w = words(l);
            if (w[1].equals("READY") && Long.parseLong(w[2]) == term) {
                return OptionalLong.of(Long.parseLong(w[0]));
            }
        }
        return OptionalLong.empty();
    }

    /** Sends one command and waits for its reply line. */
    String ask(String command, Duration timeout) {
        int before = countReplies();
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String verb = words(command)[0];
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(5))
                .until(
                        () -> replies().stream()
                                .skip(before)
                                .filter(r -> r.startsWith(verb + " "))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow()
                .substring(verb.length() + 1);
    }

    private List<String> replies() {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            int i = l.indexOf(" REPLY ");
            if (i >= 0) {
                out.add(l.substring(i + 7));
            }
        }
        return out;
    }

    private int countReplies() {
        return replies().size();
    }

    void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid))
                    .inheritIO()
                    .start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signal("KILL");
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
