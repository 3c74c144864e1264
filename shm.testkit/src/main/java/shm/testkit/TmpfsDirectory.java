package shm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh directory on the real tmpfs ({@code /dev/shm}) with a unique name, removed with everything in it on
 * close. It does not exist until something creates it (a backend creates its root itself). In a JUnit 5 test it is a
 * field registered as an extension ({@code @RegisterExtension}), removed after each test.
 */
public final class TmpfsDirectory implements AutoCloseable, AfterEachCallback {

    /** The file of a store root that is not an object: the object table (see {@code docs/mmap-store.md}). */
    public static final String TABLE_FILE = "table";

    private final Path path;

    /** A new directory {@code /dev/shm/shm-test-<uuid>}. */
    public TmpfsDirectory() {
        this("shm-test");
    }

    /** A new directory {@code /dev/shm/<prefix>-<uuid>}. */
    public TmpfsDirectory(String prefix) {
        path = Path.of("/dev/shm", prefix + "-" + UUID.randomUUID());
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** The names of the entries of {@code directory}, sorted. */
    public static List<String> fileNames(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object files of a store root: every entry but the object table, sorted. */
    public static List<String> objectFiles(Path root) {
        return fileNames(root).stream().filter(name -> !name.equals(TABLE_FILE)).toList();
    }

    /** Removes the directory and everything in it. */
    @Override
    public void close() throws IOException {
        Trees.deleteRecursively(path);
    }

    /** Removes the directory after each test of a class that registered it as an extension. */
    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
    }
}
