package org.sipmediadeploy.core.model;

/**
 * What the call router (the active Kamailio) knows of one gateway host: how many of its gateways are registered and
 * how many of them are locked by a call. {@code known} is false when the router was configured but could not be
 * read this pass: the host might then carry calls the scaler cannot see.
 */
public record RoutedHost(int registered, int locked, boolean known) {
    /** The router could not be read: nothing is known, so the host may be busy. */
    public static final RoutedHost UNREAD = new RoutedHost(0, 0, false);

    /** A host of which the router, read this pass, holds no registration and no lock. */
    public static final RoutedHost ABSENT = new RoutedHost(0, 0, true);

    public RoutedHost {
        if (registered < 0 || locked < 0) {
            throw new IllegalArgumentException(
                    "registered and locked must be >= 0, were " + registered + " and " + locked);
        }
    }

    /** Registered gateways that no call holds. */
    public int idle() {
        return Math.max(0, registered - locked);
    }

    /** The router holds a call on this host, or cannot tell that it holds none. */
    public boolean mayCarryCalls() {
        return !known || locked > 0;
    }
}
