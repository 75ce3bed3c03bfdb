package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that after a crash it is either absent or complete under its name: write a temporary sibling
 * and force it, rename it over the target, then force the directory, without which the rename itself may be lost
 * on power failure (the new name lives in the directory's own data).
 */
final class DurableFiles {
    /** Forces a file or directory to stable storage. */
    interface Syncer {
        void force(Path path) throws IOException;
    }

    /** {@code fsync} through a read channel (on Linux this works for directories too). */
    static final Syncer FSYNC = path -> {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            c.force(true);
        }
    };

    private DurableFiles() {}

    static void replace(Path target, byte[] bytes, Syncer syncer) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(
                tmp, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        syncer.force(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncer.force(target.toAbsolutePath().getParent());
    }
}
