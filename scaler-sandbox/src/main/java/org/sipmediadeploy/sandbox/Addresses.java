package org.sipmediadeploy.sandbox;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;

/**
 * The sandbox's addresses: which last octets of the fixed (tenant) and floating (external) /24 are taken, and the
 * parsing of an address literal. Guarded by the {@link ResourceStore}'s lock, like the records that hold them.
 */
final class Addresses {
    final Pool fixed = new Pool();
    final Pool floating = new Pool();

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + ip, e);
        }
    }

    /**
     * The last octets .2 to .254 of one /24. A free one is handed out round robin from after the last one handed
     * out, so an address just released is not given again at once (a late packet for it finds nothing).
     */
    static final class Pool {
        private final Set<Integer> used = new HashSet<>();
        private int next = 2;

        boolean inUse(int ordinal) {
            return used.contains(ordinal);
        }

        /** The next free octet; it stays free until {@link #take}. */
        int allocate() {
            for (int i = 0; i < 253; i++) {
                int candidate = next;
                next = candidate >= 254 ? 2 : candidate + 1;
                if (!used.contains(candidate)) {
                    return candidate;
                }
            }
            throw new ApiException(
                    Errors.neutron(409, "IpAddressGenerationFailure", "No more IP addresses available on network."));
        }

        void take(int ordinal) {
            used.add(ordinal);
        }

        void release(int ordinal) {
            used.remove(ordinal);
        }

        int size() {
            return used.size();
        }
    }
}
