package org.sipmediadeploy.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A table of nftables rules a test owns ({@code inet <name>}), with one chain on the output hook where the test's
 * rules go (network faults between processes on loopback). Its rules are replaced in one nft transaction, and the
 * table is deleted on {@link #clear}, on {@link #close}, by a shutdown hook, and when it is made if a killed run left
 * it behind. Nothing outside this table is touched. Needs root and {@code nft}.
 */
public final class NftTable implements AutoCloseable {
    private final String name;
    private final Thread hook;

    /** Takes the table {@code name} (deleting one a killed run left behind); nothing is filtered until replace. */
    public NftTable(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("not an nft table name: " + name);
        }
        this.name = name;
        clear();
        this.hook = new Thread(this::clear, "nft-cleanup-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public String name() {
        return name;
    }

    /** Makes the output chain hold exactly {@code rules} (one nft statement each), in one transaction. */
    public synchronized void replace(List<String> rules) {
        nft(script(name, rules), true);
    }

    /** Deletes the table and its rules (the next {@link #replace} makes it again). */
    public synchronized void clear() {
        nft("add table inet " + name + "\ndelete table inet " + name + "\n", false);
    }

    /** Whether the kernel holds this table now (whatever this instance believes); false without nft. */
    public boolean exists() {
        try {
            Process p = new ProcessBuilder("nft", "list", "table", "inet", name)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("nft list did not finish in 10 s");
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no nft: no table either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The packets counted by the first {@code counter} of the table so far, or -1 when it cannot be read. */
    @SuppressWarnings("StringSplitter") // the first word after "packets " is the count, never empty
    public long packets() {
        String out = nft("list table inet " + name + "\n", false);
        int i = out.indexOf("packets ");
        if (i < 0) {
            return -1;
        }
        return Long.parseLong(out.substring(i + "packets ".length()).split("\\s")[0]);
    }

    /**
     * The nft script that empties the table and fills its output chain with {@code rules}: "add table" then "delete
     * table" empties it whether or not it existed, in the same transaction as the new content.
     */
    static String script(String name, List<String> rules) {
        StringBuilder sb = new StringBuilder();
        sb.append("add table inet ").append(name).append('\n');
        sb.append("delete table inet ").append(name).append('\n');
        sb.append("table inet ").append(name).append(" {\n  chain out {\n");
        sb.append("    type filter hook output priority 0; policy accept;\n");
        for (String r : rules) {
            if (r.contains("\n")) {
                throw new IllegalArgumentException("one nft rule a line: " + r);
            }
            sb.append("    ").append(r).append('\n');
        }
        sb.append("  }\n}\n");
        return sb.toString();
    }

    @Override
    public void close() {
        clear();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook deletes the table anyway
        }
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
