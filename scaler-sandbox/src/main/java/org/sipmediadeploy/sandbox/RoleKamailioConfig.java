package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deploy kit's kamailio.cfg for the sandbox's Kamailio servers: rendered once per sandbox by the kamailio role's
 * own tasks (deploy/ci/render-kamailio-conf.yml, which also runs `kamailio -c`), then each server starts from that
 * file with its own address, DMQ identity and Server header on the command line. Rendering takes seconds of
 * ansible-playbook (over 15 s on a loaded machine): it starts in the background when the first Kamailio server is
 * created, and its result is kept under the temporary directory, keyed by a hash of the role's files, so the next
 * sandboxes of this machine reuse it until the role changes.
 */
final class RoleKamailioConfig {
    static final String RENDERER = "deploy/ci/render-kamailio-conf.yml";
    private final Path repo;
    private CompletableFuture<Path> rendered;

    private RoleKamailioConfig(Path repo) {
        this.repo = repo;
    }

    /** The repository holding the role: -Dsandbox.repo, else the working directory or one of its parents. */
    static Optional<Path> locateRepo() {
        String explicit = System.getProperty("sandbox.repo");
        if (explicit != null) {
            Path repo = Path.of(explicit).toAbsolutePath().normalize();
            return Files.exists(repo.resolve(RENDERER)) ? Optional.of(repo) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(RENDERER))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Renders with the role found in {@code repo}, once {@link #start()}ed. */
    static RoleKamailioConfig of(Path repo) {
        return new RoleKamailioConfig(repo);
    }

    /** Starts rendering in the background (once). */
    synchronized CompletableFuture<Path> start() {
        if (rendered == null) {
            rendered = CompletableFuture.supplyAsync(() -> render(repo));
        }
        return rendered;
    }

    /** The rendered kamailio.cfg; throws with the renderer's log path when rendering failed. */
    Path config() {
        try {
            return start().get(180, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering kamailio.cfg", e);
        } catch (Exception e) {
            throw new IllegalStateException("kamailio.cfg could not be rendered from the kamailio role: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    private static Path render(Path repo) {
        try {
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "sipmediadeploy-kamailio-role");
            Path done = cache.resolve(roleHash(repo));
            if (Files.exists(done.resolve("kamailio.cfg"))) {
                return done.resolve("kamailio.cfg");
            }
            Files.createDirectories(cache);
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
            // Another JVM of this machine may be rendering the same role: one renders, the other waits for it.
            try (FileChannel lock = FileChannel.open(cache.resolve(done.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lock.lock()) {
                if (!Files.exists(done.resolve("kamailio.cfg"))) {
                    renderInto(repo, done);
                }
            }
            return done.resolve("kamailio.cfg");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render kamailio.cfg with " + RENDERER, e);
        }
    }

    /** SHA-256 over the role's files and the renderer, in path order. */
    private static String roleHash(Path repo) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(repo.resolve("deploy/ansible/roles/kamailio"))) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            files.add(repo.resolve(RENDERER));
            for (Path f : files) {
                sha.update(repo.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void renderInto(Path repo, Path out) {
        try {
            Files.createDirectories(out);
            Path vars = out.resolve("vars.yml");
            // The sandbox's gateways do not register: the secret only has to satisfy the role.
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            Files.writeString(vars, "kamailio_listen_address: 127.0.0.1\n"
                    + "kamailio_domain: sandbox.invalid\n"
                    + "kamailio_gateway_password: \"" + HexFormat.of().formatHex(secret) + "\"\n"
                    + "kamailio_children: 2\n"
                    + "kamailio_tcp_children: 2\n"
                    + "kamailio_log_level: 1\n"
                    + "ansible_python_interpreter: /usr/bin/python3\n");
            Files.setPosixFilePermissions(vars, PosixFilePermissions.fromString("rw-------"));
            Path log = out.resolve("render.log");
            ProcessBuilder pb = new ProcessBuilder("ansible-playbook", "-i", "localhost,",
                    repo.resolve(RENDERER).toString(), "-e", "smd_out=" + out, "-e", "@" + vars)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("ANSIBLE_ROLES_PATH", repo.resolve("deploy/ansible/roles").toString());
            pb.environment().put("ANSIBLE_NOCOLOR", "1");
            Process p = pb.start();
            if (!p.waitFor(150, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ansible-playbook took over 150 s, see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ansible-playbook exited " + p.exitValue() + ", see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ansible-playbook " + RENDERER, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
