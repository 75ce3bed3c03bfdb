package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sipmediadeploy.core.config.ServerTemplate;

/** Reads a server template (image, flavor, network, groups, user data) of a pair replacement, a pool or self-healing. */
final class ServerTemplates {
    private ServerTemplates() {}

    static ServerTemplate read(KeyReader r, Config p, String prefix, String userDataKey, String at) {
        String image = r.required(p, prefix + "image", at);
        String flavor = r.required(p, prefix + "flavor", at);
        String network = r.required(p, prefix + "network", at);
        List<String> groups = r.strings(p, prefix + "security-groups", at);
        String keyPair = r.str(p, prefix + "key-pair", at);
        String az = r.str(p, prefix + "availability-zone", at);
        String userDataFile = r.str(p, userDataKey, at);
        String userData = "";
        if (!userDataFile.isEmpty()) {
            Path f = r.resolve(userDataFile);
            r.remember(at + userDataKey, userDataFile, f);
            try {
                userData = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                r.problem(at + userDataKey, "cannot read '" + f + "'");
            }
        }
        return new ServerTemplate(
                image,
                flavor,
                network,
                groups == null ? List.of() : groups,
                keyPair.isEmpty() ? null : keyPair,
                az.isEmpty() ? null : az,
                userData);
    }
}
