package org.sipmediadeploy.daemon.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.admin.AdminClient;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ConfigProblems;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import picocli.CommandLine.Option;

/** Where scalerctl finds the admin API: a node's config file, or an explicit URL and token file. */
final class Remote {
    @Option(names = "--config", description = "the node's configuration file (admin address and token file)")
    Path config;

    @Option(names = "--url", description = "admin API base URL, e.g. http://127.0.0.1:9871")
    URI url;

    @Option(names = "--token-file", description = "file holding the admin bearer token")
    Path tokenFile;

    @Option(names = "--timeout", defaultValue = "PT5S", description = "request timeout (default ${DEFAULT-VALUE})")
    Duration timeout;

    AdminClient client() {
        return client(timeout);
    }

    /** A client whose timeout is at least {@code atLeast} (for calls that may legitimately take long). */
    AdminClient client(Duration atLeast) {
        Duration t = timeout.compareTo(atLeast) >= 0 ? timeout : atLeast;
        return build(t);
    }

    private AdminClient build(Duration timeout) {
        if (config != null) {
            ScalerConfig c;
            try {
                c = ConfigLoader.load(config);
            } catch (ConfigProblems p) {
                throw new ScalerCtl.ConfigProblemsException(p);
            }
            String host = c.admin().bind().contains(":")
                    ? "[" + c.admin().bind() + "]"
                    : c.admin().bind();
            return new AdminClient(
                    URI.create("http://" + host + ":" + c.admin().port()),
                    c.admin().token(),
                    timeout);
        }
        if (url == null || tokenFile == null) {
            throw new UsageException("give --config FILE, or --url URL and --token-file FILE");
        }
        try {
            return new AdminClient(
                    url,
                    Secret.of(
                            Files.readString(tokenFile, StandardCharsets.UTF_8).strip()),
                    timeout);
        } catch (IOException e) {
            throw new UsageException("cannot read the token file " + tokenFile);
        }
    }

    /** A usage problem found after parsing: exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
