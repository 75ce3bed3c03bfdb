package org.sipmediadeploy.probes;

/** The JDK client does not expose the reason phrase: name the common codes ourselves. */
final class HttpReasons {
    private HttpReasons() {}

    static String phrase(int code) {
        switch (code) {
            case 301:
                return " Moved Permanently";
            case 302:
                return " Found";
            case 400:
                return " Bad Request";
            case 401:
                return " Unauthorized";
            case 403:
                return " Forbidden";
            case 404:
                return " Not Found";
            case 405:
                return " Method Not Allowed";
            case 408:
                return " Request Timeout";
            case 429:
                return " Too Many Requests";
            case 500:
                return " Internal Server Error";
            case 502:
                return " Bad Gateway";
            case 503:
                return " Service Unavailable";
            case 504:
                return " Gateway Timeout";
            default:
                return "";
        }
    }
}
