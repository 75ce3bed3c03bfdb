package org.sipmediadeploy.core.model;

/** A cloud server's status as the scaler needs it (Nova has more; the adapter maps them here). */
public enum ServerStatus {
    BUILD,
    ACTIVE,
    ERROR,
    SHUTOFF,
    DELETED,
    UNKNOWN;

    public boolean isTerminal() {
        return this == ERROR || this == DELETED;
    }
}
