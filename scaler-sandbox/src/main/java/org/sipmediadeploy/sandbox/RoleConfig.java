package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A configuration file of the deploy kit for the sandbox's real servers, rendered from an Ansible role by its
 * renderer playbook under deploy/ci: kamailio.cfg (the kamailio role's own tasks, `kamailio -c` included) and
 * turnserver.conf (the coturn role's template and defaults). Each server then starts from that one file with its
 * own values (Kamailio: -A/-l on its command line; Coturn: its address, database and log lines rewritten).
 * Rendering takes seconds of ansible-playbook (over 15 s on a loaded machine): it starts in the background when the
 * first server of its kind is created, and its result is kept under the temporary directory, keyed by a hash of
 * the role's files, the renderer and the variables, so the next sandboxes of this machine reuse it.
 */
final class RoleConfig {
    static final String KAMAILIO_RENDERER = "deploy/ci/render-kamailio-conf.yml";
    static final String COTURN_RENDERER = "deploy/ci/render-coturn-conf.yml";
    private final Path repo;
    private final String role;
    private final String renderer;
    private final String vars;
    private final String output;
    private CompletableFuture<Path> rendered;

    private RoleConfig(Path repo, String role, String renderer, String vars, String output) {
        this.repo = repo;
        this.role = role;
        this.renderer = renderer;
        this.vars = vars;
        this.output = output;
    }

    /** The repository holding the roles: -Dsandbox.repo, else the working directory or one of its parents. */
    static Optional<Path> locateRepo() {
        String explicit = System.getProperty("sandbox.repo");
        if (explicit != null) {
            Path repo = Path.of(explicit).toAbsolutePath().normalize();
            return Files.exists(repo.resolve(KAMAILIO_RENDERER)) ? Optional.of(repo) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(KAMAILIO_RENDERER))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** kamailio.cfg of the kamailio role. The sandbox's gateways never register: the secret only satisfies the role. */
    static RoleConfig kamailio(Path repo) {
        return new RoleConfig(repo, "kamailio", KAMAILIO_RENDERER, """
                kamailio_listen_address: 127.0.0.1
                kamailio_domain: sandbox.invalid
                kamailio_gateway_password: "sandbox-no-gateway-registers"
                kamailio_children: 2
                kamailio_tcp_children: 2
                kamailio_log_level: 1
                """, "kamailio.cfg");
    }

    /** turnserver.conf of the coturn role with the sandbox's TURN user, on loopback. */
    static RoleConfig coturn(Path repo, String user, String password, String realm) {
        return new RoleConfig(
                repo,
                "coturn",
                COTURN_RENDERER,
                "coturn_listen_address: 127.0.0.1\n"
                        + "coturn_realm: \"" + realm + "\"\n"
                        + "coturn_users: [{name: \"" + user + "\", password: \"" + password + "\"}]\n"
                        + "coturn_min_port: 49152\n"
                        + "coturn_max_port: 49999\n"
                        + "coturn_allow_loopback_peers: true\n",
                "turnserver.conf");
    }

    /** Starts rendering in the background (once). */
    synchronized CompletableFuture<Path> start() {
        if (rendered == null) {
            rendered = CompletableFuture.supplyAsync(this::render);
        }
        return rendered;
    }

    /** The rendered file; throws with the renderer's log path when rendering failed. */
    Path config() {
        try {
            return start().get(180, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering " + output, e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    output + " could not be rendered from the " + role + " role: "
                            + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e);
        }
    }

    private Path render() {
        try {
            // Kamailio refuses an included file whose path reaches 128 characters (core/cfg.lex): under a long
            // java.io.tmpdir (a benchmark's own directory inside a deep checkout) the cache moves to /tmp.
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Path cache = (tmp.toString().length() > 40 ? Path.of("/tmp") : tmp).resolve("sipmediadeploy-role-configs");
            Path done = cache.resolve(role + "-" + hash());
            if (Files.exists(done.resolve(output))) {
                return done.resolve(output);
            }
            Files.createDirectories(cache);
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
            // Another JVM of this machine may be rendering the same file: one renders, the other waits for it.
            try (FileChannel lock = FileChannel.open(
                            cache.resolve(done.getFileName() + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock held = lock.lock()) {
                if (!Files.exists(done.resolve(output))) {
                    renderInto(done);
                }
            }
            return done.resolve(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + output + " with " + renderer, e);
        }
    }

    /** SHA-256 over the role's files, the renderer and the variables. */
    private String hash() throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(repo.resolve("deploy/ansible/roles/" + role))) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            files.add(repo.resolve(renderer));
            for (Path f : files) {
                sha.update(repo.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
            sha.update(vars.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void renderInto(Path out) {
        try {
            Files.createDirectories(out);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            Path varsFile = out.resolve("vars.yml");
            Files.writeString(varsFile, vars + "ansible_python_interpreter: /usr/bin/python3\n");
            Files.setPosixFilePermissions(varsFile, PosixFilePermissions.fromString("rw-------"));
            Path log = out.resolve("render.log");
            ProcessBuilder pb = new ProcessBuilder(
                            "ansible-playbook",
                            "-i",
                            "localhost,",
                            repo.resolve(renderer).toString(),
                            "-e",
                            "smd_out=" + out,
                            "-e",
                            "@" + varsFile)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment()
                    .put(
                            "ANSIBLE_ROLES_PATH",
                            repo.resolve("deploy/ansible/roles").toString());
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
            throw new UncheckedIOException("cannot run ansible-playbook " + renderer, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
