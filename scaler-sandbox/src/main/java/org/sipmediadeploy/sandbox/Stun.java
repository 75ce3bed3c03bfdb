package org.sipmediadeploy.sandbox;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** RFC 5389 Binding: enough to answer a Binding request with XOR-MAPPED-ADDRESS and SOFTWARE. */
final class Stun {
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int SOFTWARE = 0x8022;

    private Stun() {}

    /** The Binding success response to {@code request} from {@code sender}, or null when it is not one. */
    static byte[] bindingResponse(byte[] request, InetSocketAddress sender, String software) {
        if (request.length < 20) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(request);
        int type = in.getShort(0) & 0xffff;
        int cookie = in.getInt(4);
        if (type != BINDING_REQUEST || cookie != MAGIC_COOKIE) {
            return null;
        }
        byte[] addr = sender.getAddress().getAddress();
        if (addr.length != 4) {
            return null;
        }
        byte[] sw = software.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int swPadded = (sw.length + 3) & ~3;
        int attrs = 4 + 8 + 4 + swPadded;
        ByteBuffer out = ByteBuffer.allocate(20 + attrs);
        out.putShort((short) BINDING_SUCCESS);
        out.putShort((short) attrs);
        out.putInt(MAGIC_COOKIE);
        out.put(request, 8, 12);
        out.putShort((short) XOR_MAPPED_ADDRESS);
        out.putShort((short) 8);
        out.put((byte) 0);
        out.put((byte) 0x01);
        out.putShort((short) (sender.getPort() ^ (MAGIC_COOKIE >>> 16)));
        int ip = ByteBuffer.wrap(addr).getInt();
        out.putInt(ip ^ MAGIC_COOKIE);
        out.putShort((short) SOFTWARE);
        out.putShort((short) sw.length);
        out.put(sw);
        for (int i = sw.length; i < swPadded; i++) {
            out.put((byte) 0);
        }
        return out.array();
    }
}
