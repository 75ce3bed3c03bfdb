package org.sipmediadeploy.probes;

/** The JDK client does not expose the reason phrase: name the common codes ourselves. */
final class HttpReasons {
    private HttpReasons() {}

    static String phrase(int code) {
        return switch (code) {
            case 301 -> " Moved Permanently";
            case 302 -> " Found";
            case 400 -> " Bad Request";
            case 401 -> " Unauthorized";
            case 403 -> " Forbidden";
            case 404 -> " Not Found";
            case 405 -> " Method Not Allowed";
            case 408 -> " Request Timeout";
            case 429 -> " Too Many Requests";
            case 500 -> " Internal Server Error";
            case 502 -> " Bad Gateway";
            case 503 -> " Service Unavailable";
            case 504 -> " Gateway Timeout";
            default -> "";
        };
    }
}
