package shm.provider.mmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** A fresh directory on the real tmpfs ({@code /dev/shm}), removed with everything in it on close. */
final class TmpfsDirectory implements AutoCloseable {

    private final Path path;

    TmpfsDirectory() {
        path = Path.of("/dev/shm", "shm-test-" + UUID.randomUUID());
    }

    /** The directory; it does not exist until something creates it. */
    Path path() {
        return path;
    }

    /** The names of the files in {@code directory}, sorted. */
    static List<String> fileNames(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object files in a root: every file but the object table. */
    static List<String> objectFiles(Path root) {
        return fileNames(root).stream().filter(name -> !name.equals(TableLayout.FILE_NAME)).toList();
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
