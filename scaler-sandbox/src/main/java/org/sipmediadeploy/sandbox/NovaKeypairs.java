package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nova's key pairs, by name only (no key is kept): {@code sandbox-key} exists from the start, and a server
 * create's {@code key_name} must name one of them.
 */
final class NovaKeypairs {
    private final Set<String> keypairs = ConcurrentHashMap.newKeySet();

    NovaKeypairs() {
        keypairs.add("sandbox-key");
    }

    boolean exists(String name) {
        return keypairs.contains(name);
    }

    ApiResponse handle(ApiRequest req, String[] s) {
        if (s.length == 1 && req.method().equals("GET")) {
            List<Object> out = new ArrayList<>();
            for (String k : keypairs) {
                out.add(Json.obj(
                        "keypair",
                        Json.obj(
                                "name",
                                k,
                                "public_key",
                                "ssh-ed25519 AAAA sandbox",
                                "fingerprint",
                                "00:00",
                                "type",
                                "ssh")));
            }
            return ApiResponse.json(200, Json.obj("keypairs", out));
        }
        if (s.length == 1 && req.method().equals("POST")) {
            JsonNode body = req.json();
            String name = body == null ? null : Json.text(body.path("keypair"), "name");
            if (name == null) {
                return Errors.nova(400, "Invalid input for field/attribute keypair.");
            }
            if (!keypairs.add(name)) {
                return Errors.nova(409, "Key pair '" + name + "' already exists.");
            }
            return ApiResponse.json(
                    200,
                    Json.obj(
                            "keypair",
                            Json.obj(
                                    "name",
                                    name,
                                    "public_key",
                                    Json.text(body.path("keypair"), "public_key"),
                                    "fingerprint",
                                    "00:00",
                                    "type",
                                    "ssh",
                                    "user_id",
                                    null)));
        }
        if (s.length == 2 && req.method().equals("DELETE")) {
            if (!keypairs.remove(s[1])) {
                return Errors.nova(404, "Keypair " + s[1] + " not found.");
            }
            return new ApiResponse(202, Map.of(), null);
        }
        return Nova.notFound();
    }
}
