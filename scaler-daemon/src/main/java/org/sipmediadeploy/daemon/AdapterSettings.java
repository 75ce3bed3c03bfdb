package org.sipmediadeploy.daemon;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import org.sipmediadeploy.openstack.OpenStackSettings;
import org.sipmediadeploy.raft.RaftSettings;

/** The adapters' settings from the validated configuration (no defaults of their own: the config has them). */
final class AdapterSettings {
    private AdapterSettings() {}

    static RaftSettings raft(ScalerConfig cfg) {
        Map<String, String> peers = new TreeMap<>();
        cfg.cluster().peers().forEach(p -> peers.put(p.id(), p.address()));
        RaftSettings s = RaftSettings.of(
                        cfg.cluster().name(), cfg.node().id(), peers, cfg.node().storageDir())
                .withElectionTimeout(
                        cfg.cluster().electionTimeoutMin(), cfg.cluster().electionTimeoutMax());
        if (cfg.cluster().tls().enabled()) {
            s = s.withTls(new RaftSettings.TlsSettings(
                    cfg.cluster().tls().keyFile(),
                    cfg.cluster().tls().certFile(),
                    cfg.cluster().tls().trustFile()));
        }
        return s;
    }

    static OpenStackSettings openStack(ScalerConfig cfg) {
        ScalerConfig.OpenStack os = cfg.openstack();
        OpenStackSettings.Auth auth;
        if (os.auth() instanceof ScalerConfig.Auth.Password p) {
            auth = new OpenStackSettings.Password(
                    p.username(), p.password(), p.userDomain(), p.project(), p.projectDomain());
        } else if (os.auth() instanceof ScalerConfig.Auth.ApplicationCredential a) {
            auth = new OpenStackSettings.ApplicationCredential(a.id(), a.secret());
        } else {
            throw new AssertionError(os.auth());
        }
        OpenStackSettings s = OpenStackSettings.of(URI.create(os.authUrl()), auth, os.region())
                .withTimeouts(os.connectTimeout(), os.readTimeout());
        return os.caFile() == null ? s : s.withCaFile(os.caFile());
    }
}
