package org.sipmediadeploy.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response: status, headers in order, body bytes (JSON unless a header says otherwise). */
// A message handed from a handler to the writer, never compared or hashed: the body array is its bytes.
@SuppressWarnings("ArrayRecordComponent")
record ApiResponse(int status, Map<String, String> headers, byte[] body) {
    ApiResponse {
        headers = new LinkedHashMap<>(headers);
        body = body == null ? new byte[0] : body;
    }

    static ApiResponse json(int status, Object body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        return new ApiResponse(status, h, Json.bytes(body));
    }

    static ApiResponse empty(int status) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        return new ApiResponse(status, h, new byte[0]);
    }

    static ApiResponse html(int status, String text) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/html; charset=UTF-8");
        return new ApiResponse(status, h, text.getBytes(StandardCharsets.UTF_8));
    }

    ApiResponse with(String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(header, value);
        return new ApiResponse(status, h, body);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
