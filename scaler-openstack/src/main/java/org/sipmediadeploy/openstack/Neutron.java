package org.sipmediadeploy.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;

/**
 * What openstack4j cannot ask Neutron: its extension list, to know whether it honours
 * {@code If-Match: revision_number=N} (extension {@code revision-if-match}). Asked once per adapter.
 */
final class Neutron {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Keystone keystone;
    private volatile Boolean revisionIfMatch;

    Neutron(Keystone keystone) {
        this.keystone = keystone;
    }

    boolean revisionIfMatch() {
        Boolean known = revisionIfMatch;
        if (known != null) {
            return known;
        }
        String base = keystone.endpoint("network");
        String url = (base.matches(".*/v2\\.0$") ? base : base + "/v2.0") + "/extensions";
        Request req = new Request.Builder()
                .url(url)
                .header("X-Auth-Token", keystone.token().getId())
                .get()
                .build();
        try (Response r = keystone.http().newCall(req).execute()) {
            ResponseBody body = r.body();
            String text = body == null ? "" : body.string();
            if (r.code() == 404) {
                // A Neutron-like API without the extensions resource offers no If-Match either.
                revisionIfMatch = false;
                return false;
            }
            if (r.code() >= 400) {
                throw Errors.fromStatus("extensions", r.code(), Keystone.faultOf(text));
            }
            boolean found = false;
            for (JsonNode ext : JSON.readTree(text).path("extensions")) {
                if ("revision-if-match".equals(ext.path("alias").asText())) {
                    found = true;
                }
            }
            revisionIfMatch = found;
            return found;
        } catch (IOException e) {
            throw new CloudException(Kind.TRANSIENT, "extensions", "cannot list Neutron extensions: " + e, e);
        }
    }
}
