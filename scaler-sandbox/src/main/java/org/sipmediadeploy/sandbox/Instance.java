package org.sipmediadeploy.sandbox;

import java.util.List;
import java.util.OptionalLong;

/**
 * What runs "inside" a server: a real process (Kamailio, turnserver) or built-in Java responders. It listens on
 * the server's host address, behind the server's NIC forwarder. A killed or frozen instance leaves the server
 * ACTIVE in Nova, as a crashed or hung service inside a running VM does.
 */
sealed interface Instance extends AutoCloseable permits ProcessGroupInstance, BuiltinInstance {
    /** kamailio, coturn, scaler or builtin. */
    String kind();

    /** The ports the instance listens on (the NIC forwards these). */
    List<SandboxConfig.PortSpec> ports();

    void start();

    /** Dies at once (SIGKILL for a process, sockets closed for built-ins). */
    void kill();

    /** Stops answering but keeps its sockets (SIGSTOP for a process). */
    void freeze();

    void resume();

    boolean alive();

    boolean frozen();

    /** The process id, for process instances. */
    OptionalLong pid();

    /** Stops gracefully; never throws. */
    @Override
    void close();
}
