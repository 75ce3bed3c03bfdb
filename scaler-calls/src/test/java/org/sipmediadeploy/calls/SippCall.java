package org.sipmediadeploy.calls;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** One call placed by a SIPp caller; its outcome is read from the scenario's log lines. */
final class SippCall {
    private final String room;
    private final Path log;
    private final CallLab.Started process;

    SippCall(String room, Path log, CallLab.Started process) {
        this.room = room;
        this.log = log;
        this.process = process;
    }

    String room() {
        return room;
    }

    /** The gateway that answered, once it did. */
    Optional<String> answeredBy() {
        return field("answered", 2).map(contact -> contact.substring("sip:".length()));
    }

    /** The gateway that answered, waiting 15 s at most: fails the test when the call was refused or not answered. */
    String awaitAnswer() {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> answeredBy().isPresent() || refusedWith().isPresent());
        return answeredBy().orElseThrow(() -> new AssertionError("not answered: " + this));
    }

    /** The final error status (480, 503) when the call was refused. */
    Optional<String> refusedWith() {
        return field("refused", 2);
    }

    boolean hungUp() {
        return field("bye", 1).isPresent();
    }

    /** Waits for SIPp to finish; its exit code (0 = the scenario ran to its end without an unexpected message). */
    int finish(Duration timeout) {
        return process.waitFor(timeout);
    }

    @SuppressWarnings("StringSplitter") // an empty line has no words to match either way
    private Optional<String> field(String kind, int index) {
        for (String line : CallLab.read(log).split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length > index && words[0].equals(kind)) {
                return Optional.of(words[index]);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "call to " + room + ": " + CallLab.read(log).replace('\n', ';');
    }
}
