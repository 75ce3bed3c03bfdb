package org.sipmediadeploy.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
    @Test
    void wordsOfEveryLineWithoutComments() {
        assertEquals(
                List.of("-Xms16m", "-Xmx160m", "-XX:+UseSerialGC", "-Dx=a"),
                JvmOptions.parse("# heading\n-Xms16m  -Xmx160m # why\n\n  -XX:+UseSerialGC\n-Dx=a\t# trailing\n#"));
        assertEquals(List.of(), JvmOptions.parse("# only comments\n\n"));
    }

    @Test
    void theShippedFlagsBoundTheHeapAndPickTheSerialCollector() {
        List<String> flags = JvmOptions.shipped();
        assertTrue(flags.contains("-XX:+UseSerialGC"), flags.toString());
        assertTrue(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags.toString());
        assertTrue(flags.stream().allMatch(f -> f.startsWith("-")), "every word is a flag: " + flags);
    }
}
