package shm.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File trees the tests made and must leave no trace of. */
public final class Trees {

    private Trees() {
    }

    /** Deletes {@code top} and everything below it, deepest first; nothing happens when it does not exist. */
    public static void deleteRecursively(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
