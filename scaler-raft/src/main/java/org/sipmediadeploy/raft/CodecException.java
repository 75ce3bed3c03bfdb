package org.sipmediadeploy.raft;

/** Bytes that are not a known, well-formed encoding: refused, never guessed. */
public final class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CodecException(String message) {
        super(message);
    }

    CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
