package org.sipmediadeploy.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoopbackBlockTest {
    @Test
    void everyTestClassHasABlockOfItsOwn() {
        long distinct = Arrays.stream(LoopbackBlock.values())
                .mapToInt(LoopbackBlock::number)
                .distinct()
                .count();
        assertEquals(LoopbackBlock.values().length, distinct);
        for (LoopbackBlock b : LoopbackBlock.values()) {
            assertTrue(b.number() > 0 && b.number() < 255, b + " is not a 127.B.0.0/16 block");
        }
    }

    @Test
    void aHostIsAnAddressOfItsBlockAndOutOfRangeOctetsAreRefused() {
        assertEquals("127.82.30.2", LoopbackBlock.PARTITION_FAULTS.host(30, 2));
        assertThrows(IllegalArgumentException.class, () -> LoopbackBlock.PARTITION_FAULTS.host(256, 1));
        assertThrows(IllegalArgumentException.class, () -> LoopbackBlock.PARTITION_FAULTS.host(0, 255));
    }

    @Test
    void aFreePortCanBeBoundOnTheHostItWasFoundOn() throws IOException {
        String host = LoopbackBlock.RAFT_MEMBERSHIP.host(0, 9);
        int port = FreePort.on(host);
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            assertEquals(port, s.getLocalPort());
        }
    }
}
