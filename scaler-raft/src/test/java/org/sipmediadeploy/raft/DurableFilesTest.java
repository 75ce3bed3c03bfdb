package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot was written, forced and renamed, but its directory was never forced after the rename: a power
 * failure could lose the new name although the data was on disk. The directory is forced once the target exists.
 */
class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void theFileIsForcedBeforeTheRenameAndTheDirectoryAfterIt() throws IOException {
        Path target = dir.resolve("snapshot.1_5");
        List<String> forced = new ArrayList<>();
        DurableFiles.replace(target, "state".getBytes(StandardCharsets.UTF_8), p -> {
            forced.add((p.equals(dir) ? "dir" : p.getFileName().toString())
                    + (Files.exists(target) ? " after" : " before"));
            DurableFiles.FSYNC.force(p);
        });
        assertEquals(List.of("snapshot.1_5.tmp before", "dir after"), forced);
        assertArrayEquals("state".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        assertFalse(Files.exists(dir.resolve("snapshot.1_5.tmp")));
    }

    @Test
    void replacingAnExistingFileLeavesOnlyTheNewContent() throws IOException {
        Path target = dir.resolve("snapshot.1_5");
        Files.writeString(target, "old");
        DurableFiles.replace(target, "new".getBytes(StandardCharsets.UTF_8), DurableFiles.FSYNC);
        assertEquals("new", Files.readString(target));
    }
}
