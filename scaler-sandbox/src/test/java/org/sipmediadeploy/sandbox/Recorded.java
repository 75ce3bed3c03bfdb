package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A response recorded from the reference OpenStack (Debian Zed, the control plane tools/setup.sh installs) with curl-like
 * requests: src/test/resources/recorded/NAME.txt holds the request, the status line, the headers and the body.
 */
record Recorded(int status, Map<String, String> headers, JsonNode body) {

    // Kept: the body is rebuilt line by line, and dropping the trailing empty lines is part of that.
    @SuppressWarnings("StringSplitter")
    static Recorded load(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/recorded/" + name + ".txt")) {
            if (in == null) {
                throw new AssertionError("no recording " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String afterRequest = text.substring(text.indexOf("\n\n") + 2);
            String[] lines = afterRequest.split("\n");
            int status = Integer.parseInt(lines[0].split(" ")[0]);
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            int i = 1;
            for (; i < lines.length && !lines[i].isEmpty(); i++) {
                int c = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, c).trim(),
                        lines[i].substring(c + 1).trim());
            }
            StringBuilder body = new StringBuilder();
            for (i++; i < lines.length; i++) {
                body.append(lines[i]).append('\n');
            }
            String b = body.toString().trim();
            JsonNode json = b.startsWith("{") ? RawApi.JSON.readTree(b) : null;
            return new Recorded(status, headers, json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Where two JSON documents differ in shape: keys present in one and not the other, and value types
     * (object, array, scalar) that differ. Arrays are compared by their first element.
     */
    static List<String> shapeDifferences(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        diff("$", expected, actual, out);
        return out;
    }

    private static void diff(String path, JsonNode e, JsonNode a, List<String> out) {
        if (e == null || a == null || e.isNull() || a.isNull()) {
            return; // null is a value of any type (e.g. port_id)
        }
        if (e.isObject() != a.isObject() || e.isArray() != a.isArray()) {
            out.add(path + ": " + kind(e) + " expected, " + kind(a) + " found");
            return;
        }
        if (e.isObject()) {
            for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!a.has(f)) {
                    out.add(path + "." + f + ": missing");
                } else {
                    diff(path + "." + f, e.get(f), a.get(f), out);
                }
            }
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!e.has(f)) {
                    out.add(path + "." + f + ": not in the real API");
                }
            }
        } else if (e.isArray() && e.size() > 0 && a.size() > 0) {
            diff(path + "[0]", e.get(0), a.get(0), out);
        }
    }

    private static String kind(JsonNode n) {
        return n.isObject()
                ? "object"
                : n.isArray() ? "array" : n.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
