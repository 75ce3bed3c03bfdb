package org.sipmediadeploy.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads /proc: which processes belong to a process group (Kamailio's workers share their leader's group). */
final class Procs {
    private Procs() {}

    static List<Long> inGroup(long pgid) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
                    @SuppressWarnings("StringSplitter") // /proc stat fields are never empty; leading ones are read
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[2]) == pgid && !f[0].equals("Z")) {
                        out.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** The state letter of a process (R, S, T for stopped, ...), or "gone". */
    @SuppressWarnings("StringSplitter") // the first /proc stat field after the name is never empty
    static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
        } catch (IOException e) {
            return "gone";
        }
    }
}
