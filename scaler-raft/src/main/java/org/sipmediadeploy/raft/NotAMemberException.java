package org.sipmediadeploy.raft;

import java.io.IOException;

/**
 * Start refused: the cluster's current configuration (as its leader reports it) does not include this node, and
 * this node's storage holds the log of an earlier membership. The message says what to do.
 */
public final class NotAMemberException extends IOException {
    private static final long serialVersionUID = 1L;

    NotAMemberException(String message) {
        super(message);
    }
}
