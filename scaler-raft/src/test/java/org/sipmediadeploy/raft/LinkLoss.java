package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Random loss on the Raft link between two nodes of a benchmark cluster on loopback, with nftables rules in a table
 * of our own ({@value #TABLE}), deleted on close, by a shutdown hook, and at start if a killed run left it behind.
 *
 * <p>All nodes listen on 127.0.0.1 and connect from it, so a node's packets are told apart by the socket's group:
 * each node runs with a group id of its own ({@code setpriv --regid}). A connection that node A opens to node B's
 * Raft port (or B to A's) gets a conntrack mark on its first packet; every packet of a marked connection, in both
 * directions (requests, replies, acknowledgements), is then dropped with probability {@code percent} %. Traffic
 * with the third node is untouched.
 */
final class LinkLoss implements AutoCloseable {
    static final String TABLE = "sipmd_raftbench_loss";
    private static final String MARK = "0x51f0";
    private final Thread hook = new Thread(LinkLoss::deleteTable, "raftbench-nft-cleanup");

    private LinkLoss() {}

    /** Loss on the link between A (group gidA, Raft port portA) and B. */
    static LinkLoss between(long gidA, int portA, long gidB, int portB, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss must be a percentage: " + percent);
        }
        deleteTable();
        LinkLoss l = new LinkLoss();
        Runtime.getRuntime().addShutdownHook(l.hook);
        String script = "table inet " + TABLE + " {\n  chain out {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    meta skgid " + gidA + " ip daddr 127.0.0.1 tcp dport " + portB + " ct mark set " + MARK + "\n"
                + "    meta skgid " + gidB + " ip daddr 127.0.0.1 tcp dport " + portA + " ct mark set " + MARK + "\n"
                + "    ct mark " + MARK + " numgen random mod 100 < " + percent + " counter drop\n"
                + "  }\n}\n";
        nft(script, true);
        return l;
    }

    /** The packets dropped so far (the rule's counter), or -1 when it cannot be read. */
    @SuppressWarnings("StringSplitter") // the first word after "packets " is the counter, never empty
    static long dropped() {
        String out = nft("list table inet " + TABLE + "\n", false);
        int i = out.indexOf("packets ");
        if (i < 0) {
            return -1;
        }
        return Long.parseLong(out.substring(i + 8).split(" ")[0]);
    }

    @Override
    public void close() {
        deleteTable();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook deletes the table anyway
        }
    }

    private static void deleteTable() {
        nft("add table inet " + TABLE + "\ndelete table inet " + TABLE + "\n", false);
    }

    private static String nft(String script, boolean mustWork) {
        try {
            Process p = new ProcessBuilder("nft", "-f", "-")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("nft did not finish in 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0 && mustWork) {
                throw new IllegalStateException("nft failed (" + p.exitValue() + "): " + out + "\nscript:\n" + script);
            }
            return out;
        } catch (IOException e) {
            if (mustWork) {
                throw new IllegalStateException("cannot run nft", e);
            }
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
