package org.sipmediadeploy.sandbox;

/**
 * Error bodies exactly as each service writes them (recorded from the reference cloud, see
 * src/test/resources/recorded): Keystone and the auth middleware use {@code {"error": {...}}}, Nova a key named
 * after the fault ({@code itemNotFound}, {@code badRequest}, {@code conflictingRequest}, {@code forbidden},
 * {@code overLimit}, {@code computeFault}), Neutron {@code {"NeutronError": {"type", "message", "detail"}}}, and
 * Glance an HTML page.
 */
final class Errors {
    private Errors() {}

    static ApiResponse unauthorized(String keystoneUri) {
        return ApiResponse.json(
                        401,
                        Json.obj(
                                "error",
                                Json.obj(
                                        "code",
                                        401,
                                        "title",
                                        "Unauthorized",
                                        "message",
                                        "The request you have made requires authentication.")))
                .with("WWW-Authenticate", "Keystone uri=\"" + keystoneUri + "\"");
    }

    static ApiResponse keystone(int code, String title, String message) {
        return ApiResponse.json(code, Json.obj("error", Json.obj("code", code, "message", message, "title", title)));
    }

    static ApiResponse nova(int code, String message) {
        return ApiResponse.json(code, Json.obj(novaKey(code), Json.obj("code", code, "message", message)))
                .with("Content-Type", "application/json; charset=UTF-8");
    }

    private static String novaKey(int code) {
        if (code == 400) {
            return "badRequest";
        }
        if (code == 403) {
            return "forbidden";
        }
        if (code == 404) {
            return "itemNotFound";
        }
        if (code == 409) {
            return "conflictingRequest";
        }
        if (code == 413) {
            return "overLimit";
        }
        return "computeFault";
    }

    static ApiResponse neutron(int code, String type, String message) {
        return ApiResponse.json(
                code, Json.obj("NeutronError", Json.obj("type", type, "message", message, "detail", "")));
    }

    static ApiResponse glance(int code, String title, String message) {
        return ApiResponse.html(
                code,
                "<html>\n <head>\n  <title>" + code + " " + title + "</title>\n </head>\n"
                        + " <body>\n  <h1>" + code + " " + title + "</h1>\n  " + message
                        + "<br /><br />\n\n\n\n </body>\n"
                        + "</html>");
    }
}
