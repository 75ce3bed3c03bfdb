package org.sipmediadeploy.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void handsOutOctetsFromTwoUpwardsSkippingTakenOnes() {
        Addresses.Pool pool = new Addresses.Pool();
        pool.take(3);
        int first = pool.allocate();
        pool.take(first);
        int second = pool.allocate();
        assertEquals(2, first);
        assertEquals(4, second);
        assertTrue(pool.inUse(3));
        assertFalse(pool.inUse(4), "an allocated octet stays free until it is taken");
    }

    @Test
    void aReleasedOctetIsNotHandedOutAgainAtOnce() {
        Addresses.Pool pool = new Addresses.Pool();
        int a = pool.allocate();
        pool.take(a);
        pool.release(a);
        assertEquals(a + 1, pool.allocate());
        assertEquals(0, pool.size());
    }

    @Test
    void wrapsAroundAfterTwoHundredFiftyFour() {
        Addresses.Pool pool = new Addresses.Pool();
        for (int i = 2; i <= 254; i++) {
            assertEquals(i, pool.allocate());
        }
        assertEquals(2, pool.allocate());
    }

    @Test
    void aFullPoolIsNeutronsIpAddressGenerationFailure() {
        Addresses.Pool pool = new Addresses.Pool();
        for (int i = 2; i <= 254; i++) {
            pool.take(pool.allocate());
        }
        ApiException e = assertThrows(ApiException.class, pool::allocate);
        assertEquals(409, e.response().status());
        assertTrue(new String(e.response().body(), StandardCharsets.UTF_8).contains("IpAddressGenerationFailure"));
        assertEquals(253, pool.size());
    }

    @Test
    void theFixedAndFloatingPoolsAreIndependent() {
        Addresses addresses = new Addresses();
        addresses.fixed.take(addresses.fixed.allocate());
        assertEquals(2, addresses.floating.allocate());
    }

    @Test
    void aLiteralParsesWithoutALookup() {
        assertEquals("127.0.20.7", Addresses.address("127.0.20.7").getHostAddress());
    }
}
