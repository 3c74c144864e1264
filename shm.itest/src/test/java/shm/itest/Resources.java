package shm.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a process holds, counted to compare before and after hundreds of bundle cycles: open file descriptors,
 * threads, mappings of files under the root, files in the root.
 *
 * @param descriptors open file descriptors of this JVM
 * @param threads     live threads
 * @param mappings    mappings of files under the root
 * @param files       entries of the root directory
 */
record Resources(long descriptors, int threads, int mappings, int files) {

    /** The counts now. */
    static Resources now(RootDir root) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return new Resources(fds.count(), Thread.getAllStackTraces().size(),
                    ProcMaps.under(root.path()).size(), root.entries().size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether no count is above {@code start}'s. */
    boolean noMoreThan(Resources start) {
        return descriptors <= start.descriptors && threads <= start.threads && mappings <= start.mappings
                && files <= start.files;
    }
}
