package org.sipmediadeploy.sandbox;

/** Ends a request with a ready response (an error shaped as the service writes it). */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ApiResponse response;

    ApiException(ApiResponse response) {
        super("HTTP " + response.status(), null, false, false);
        this.response = response;
    }

    ApiResponse response() {
        return response;
    }
}
