package org.sipmediadeploy.daemon.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/**
 * A real admin server over a {@link FakeAdminBackend} for each test, and {@code scalerctl} run in-process against
 * it with its token file: {@code @RegisterExtension final ScalerCtlFixture cli = new ScalerCtlFixture(host, token)}.
 */
final class ScalerCtlFixture implements BeforeEachCallback, AfterEachCallback {
    /** What a scalerctl run gave: exit code, stdout, stderr. */
    record Run(int code, String out, String err) {}

    private final String host;
    private final String secret;
    private FakeAdminBackend backend;
    private AdminServer server;
    private Path dir;
    private Path token;

    ScalerCtlFixture(String host, String secret) {
        this.host = host;
        this.secret = secret;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("scalerctl-test-");
        backend = new FakeAdminBackend();
        server = AdminServer.start(AdminServer.Settings.of(host, 0, Secret.of(secret)), backend);
        token = dir.resolve("token");
        Files.writeString(token, secret + "\n");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    FakeAdminBackend backend() {
        return backend;
    }

    AdminServer server() {
        return server;
    }

    /** The token file scalerctl reads (a test may overwrite it). */
    Path token() {
        return token;
    }

    /** Runs scalerctl with {@code args} plus {@code --url} and {@code --token-file} of this server. */
    Run ctl(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = server.uri().toString();
        all[args.length + 2] = "--token-file";
        all[args.length + 3] = token.toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }
}
