package org.sipmediadeploy.core.command;

/** Keys of {@link Command.RecordOutcome#facts()}. */
public final class Facts {
    public static final String SERVER_ID = "server_id";
    public static final String PORT_ID = "port_id";
    public static final String ADDRESS = "address";

    private Facts() {}
}
