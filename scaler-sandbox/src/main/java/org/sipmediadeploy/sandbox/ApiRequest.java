package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the API handlers see it. {@code path} has no query string and no trailing slash
 * (except the root "/"); {@code headers} keys are lower case.
 */
// A message handed from the parser to a handler, never compared or hashed: the body array is its bytes.
@SuppressWarnings("ArrayRecordComponent")
record ApiRequest(
        String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body) {
    ApiRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    JsonNode json() {
        return Json.parse(body);
    }

    /** Path segments after {@code prefix}, e.g. {@code /v2.0/ports/abc} after {@code /v2.0} is [ports, abc]. */
    String[] segments(String prefix) {
        String rest = path.substring(prefix.length());
        if (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        return rest.isEmpty() ? new String[0] : rest.split("/");
    }
}
