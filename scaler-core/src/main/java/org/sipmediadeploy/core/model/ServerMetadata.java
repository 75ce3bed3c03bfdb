package org.sipmediadeploy.core.model;

/** Metadata keys the scaler puts on every server it creates, so it can find them again after a crash. */
public final class ServerMetadata {
    /** The deployment tag: servers without it are never touched. */
    public static final String TAG = "sipmediadeploy-tag";
    /** The id of the decision that created the server: makes creation idempotent. */
    public static final String DECISION = "sipmediadeploy-decision";
    /** The pool or pair the server belongs to. */
    public static final String GROUP = "sipmediadeploy-group";
    /** What the server is: gateway, kamailio, coturn, scaler. */
    public static final String ROLE = "sipmediadeploy-role";

    private ServerMetadata() {}
}
