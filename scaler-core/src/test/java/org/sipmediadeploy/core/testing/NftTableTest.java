package org.sipmediadeploy.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the real nft (root): a table of this test's own whose only rule counts, never drops. */
class NftTableTest {
    private static final String NAME =
            "sipmd_nfttable_test_" + ProcessHandle.current().pid();

    @Test
    void theScriptEmptiesTheTableAndFillsItsOutputChainInOneTransaction() {
        assertEquals("""
                add table inet t
                delete table inet t
                table inet t {
                  chain out {
                    type filter hook output priority 0; policy accept;
                    tcp dport 1 drop
                    tcp dport 2 drop
                  }
                }
                """, NftTable.script("t", List.of("tcp dport 1 drop", "tcp dport 2 drop")));
        assertThrows(IllegalArgumentException.class, () -> NftTable.script("t", List.of("a\nb")));
        assertThrows(IllegalArgumentException.class, () -> new NftTable("x; flush ruleset"));
    }

    @Test
    void rulesAreReplacedCountedAndTheTableIsGoneAfterClose() throws Exception {
        int port = FreePort.onLoopback(); // nothing listens: a connection is refused at once, its SYN counted
        try (NftTable table = new NftTable(NAME)) {
            assertEquals(-1, table.packets(), "no table yet");
            table.replace(List.of("ip daddr 127.0.0.1 tcp dport " + port + " counter"));
            assertEquals(0, table.packets());
            connect(port);
            assertTrue(table.packets() >= 1, "the SYN to " + port + " was counted: " + table.packets());
            table.replace(List.of());
            assertTrue(exists(), "replaced, not deleted");
            assertEquals(-1, table.packets(), "the counter went with its rule");
        }
        assertFalse(exists(), "deleted on close");
    }

    @Test
    void existsSaysWhatTheKernelHoldsNotWhatTheInstanceBelieves() throws Exception {
        try (NftTable table = new NftTable(NAME)) {
            assertFalse(table.exists(), "nothing made yet");
            table.replace(List.of());
            assertTrue(table.exists());
            assertTrue(exists());
            deleteBehindItsBack();
            assertFalse(table.exists(), "the kernel's view, not the instance's");
        }
    }

    @Test
    void aTableAKilledRunLeftBehindIsDeletedWhenTheNameIsTakenAgain() throws Exception {
        NftTable leftOver = new NftTable(NAME);
        leftOver.replace(List.of("ip daddr 127.0.0.1 tcp dport 9 counter"));
        try (NftTable again = new NftTable(NAME)) {
            assertFalse(exists(), "the old table and its rule are gone");
            assertEquals(-1, again.packets());
        } finally {
            leftOver.close();
        }
    }

    private static void connect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 2000);
        } catch (IOException refused) {
            // expected: nothing listens there; the packet went out through the output hook all the same
        }
    }

    private static void deleteBehindItsBack() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nft", "delete", "table", "inet", NAME)
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "nft delete table did not finish");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static boolean exists() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nft", "list", "tables")
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "nft list tables did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().anyMatch(l -> l.equals("table inet " + NAME));
    }
}
