package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Reads {@code scaler.openstack}: endpoint, TLS trust and the credentials (secrets from their files). */
final class OpenStackSection {
    private OpenStackSection() {}

    static ScalerConfig.OpenStack read(KeyReader r, Config c) {
        String authUrl = r.required(c, "openstack.auth-url");
        if (!authUrl.isEmpty() && !authUrl.startsWith("http://") && !authUrl.startsWith("https://")) {
            r.problem("openstack.auth-url", "must be an http(s) URL, got '" + authUrl + "'");
        }
        String iface = r.oneOf(c, "openstack.interface", Set.of("public", "internal", "admin"));
        String caFile = r.str(c, "openstack.ca-file");
        Path ca = caFile.isEmpty() ? null : r.readableFile(c, "openstack.ca-file");
        String type = r.oneOf(c, "openstack.auth.type", Set.of("application-credential", "password"));
        ScalerConfig.Auth auth = null;
        if ("password".equals(type)) {
            auth = new ScalerConfig.Auth.Password(
                    r.required(c, "openstack.auth.username"),
                    r.str(c, "openstack.auth.user-domain"),
                    r.required(c, "openstack.auth.project"),
                    r.str(c, "openstack.auth.project-domain"),
                    r.secret(c, "openstack.auth.password-file"));
        } else if ("application-credential".equals(type)) {
            auth = new ScalerConfig.Auth.ApplicationCredential(
                    r.required(c, "openstack.auth.id"), r.secret(c, "openstack.auth.secret-file"));
        }
        String tag = r.required(c, "openstack.tag");
        return new ScalerConfig.OpenStack(
                authUrl,
                r.str(c, "openstack.region"),
                iface,
                ca,
                tag,
                r.duration(c, "openstack.connect-timeout", Duration.ofMillis(1)),
                r.duration(c, "openstack.read-timeout", Duration.ofMillis(1)),
                auth);
    }
}
