package org.sipmediadeploy.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A TCP port free right now on a loopback address (the caller binds it soon; another process may take it first). */
public final class FreePort {
    private FreePort() {}

    public static int on(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host + ": " + e.getMessage(), e);
        }
    }

    public static int onLoopback() {
        return on("127.0.0.1");
    }
}
