package shm.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The mmap backend's root directory as the tests see it: one file per object ({@code n.} plus the encoded name,
 * {@code h.} plus a hash for long names, {@code u.} for unnamed objects) and hidden temporary files starting with
 * {@code .}.
 *
 * @param path the absolute root directory configured for the backend
 */
record RootDir(Path path) {

    private static final List<String> OBJECT_PREFIXES = List.of("n.", "h.", "u.", ".");

    /** The names of all entries of the root, sorted; empty when the root does not exist. */
    List<String> entries() {
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }

    /** The names of object files and hidden temporary files, sorted: what must be gone when no handle is open. */
    List<String> objectFiles() {
        return entries().stream().filter(RootDir::isObjectFile).toList();
    }

    /** The inode of the file of the named object {@code name} (a plain name, whose file is {@code "n." + name}). */
    Object inode(String name) throws java.io.IOException {
        return Files.getAttribute(path.resolve("n." + name), "unix:ino");
    }

    /** Whether a file name in the root is an object's file or a temporary file. */
    static boolean isObjectFile(String fileName) {
        return OBJECT_PREFIXES.stream().anyMatch(fileName::startsWith);
    }
}
