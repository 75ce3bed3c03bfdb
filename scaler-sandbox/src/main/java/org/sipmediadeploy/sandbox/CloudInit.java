package org.sipmediadeploy.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The part of cloud-init a sandbox VM needs: a {@code #cloud-config} document's {@code write_files} (path, content,
 * optional {@code encoding: b64}, {@code permissions} as an octal string), written under the server's own root
 * directory as if it were the VM's {@code /}. {@code owner}, {@code defer} and {@code runcmd} have no meaning here
 * (the sandbox's "systemd" starts the service itself). A malformed document is refused with a reason, which makes
 * the server go to ERROR, as a VM whose cloud-init failed would never become a working node.
 */
final class CloudInit {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A file written, with its path inside the VM and on the machine. */
    record Written(String vmPath, Path file, String permissions) {}

    private CloudInit() {}

    /** Decodes Nova's base64 user data (null or blank: none). */
    static String decode(String base64) {
        if (base64 == null || base64.isBlank()) {
            return "";
        }
        return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** Writes the document's files under {@code root}; every directory it creates is 0700. */
    static List<Written> writeFiles(String userData, Path root) throws IOException {
        if (!userData.startsWith("#cloud-config")) {
            throw new IllegalArgumentException("user data is not a #cloud-config document");
        }
        JsonNode doc;
        try {
            doc = YAML.readTree(userData);
        } catch (IOException e) {
            throw new IllegalArgumentException("user data is not valid YAML: " + e.getMessage(), e);
        }
        List<Written> out = new ArrayList<>();
        if (doc == null || !doc.isObject()) {
            return out;
        }
        JsonNode files = doc.get("write_files");
        if (files == null || files.isNull()) {
            return out;
        }
        if (!files.isArray()) {
            throw new IllegalArgumentException("write_files must be a list");
        }
        Files.createDirectories(root);
        restrict(root, "rwx------");
        Path base = root.toAbsolutePath().normalize();
        for (JsonNode f : files) {
            String path = f.path("path").asText("");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("write_files path must be absolute: '" + path + "'");
            }
            Path target = base.resolve(path.substring(1)).normalize();
            if (!target.startsWith(base)) {
                throw new IllegalArgumentException("write_files path escapes the VM: '" + path + "'");
            }
            String encoding = f.path("encoding").asText("text");
            byte[] content;
            if (encoding.equals("b64") || encoding.equals("base64")) {
                content = Base64.getMimeDecoder().decode(f.path("content").asText(""));
            } else if (encoding.equals("text")) {
                content = f.path("content").asText("").getBytes(StandardCharsets.UTF_8);
            } else {
                throw new IllegalArgumentException("write_files encoding '" + encoding + "' is not supported");
            }
            String perms = f.path("permissions").asText("0644");
            Set<PosixFilePermission> p = permissions(perms);
            mkdirs(base, target.getParent());
            Files.deleteIfExists(target);
            // Created with its final mode: a secret is never readable by others, not even for a moment.
            Files.createFile(target, PosixFilePermissions.asFileAttribute(p));
            Files.write(target, content);
            Files.setPosixFilePermissions(target, p);
            out.add(new Written(path, target, perms));
        }
        return out;
    }

    private static void mkdirs(Path base, Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        mkdirs(base, dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    static Set<PosixFilePermission> permissions(String octal) {
        String digits = octal.startsWith("0") && octal.length() == 4 ? octal.substring(1) : octal;
        if (!digits.matches("[0-7]{3}")) {
            throw new IllegalArgumentException(
                    "write_files permissions must be octal like '0600', was '" + octal + "'");
        }
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[][] bits = {
            {PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE},
            {PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE},
            {PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE}
        };
        for (int i = 0; i < 3; i++) {
            int d = digits.charAt(i) - '0';
            for (int b = 0; b < 3; b++) {
                if ((d & (4 >> b)) != 0) {
                    out.add(bits[i][b]);
                }
            }
        }
        return out;
    }

    private static void restrict(Path dir, String perms) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
    }
}
