package shm.shell;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The standard streams of a process, as streams of their own: Gogo redirects {@code System.in}, {@code System.out}
 * and {@code System.err} per thread, so a console must not be built on them.
 *
 * @param in  standard input
 * @param out standard output
 * @param err standard error
 */
record ProcessStreams(InputStream in, OutputStream out, OutputStream err) {

    /** Checks that all three streams are present. */
    ProcessStreams {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The process's own file descriptors 0, 1 and 2. */
    static ProcessStreams ofProcess() {
        return new ProcessStreams(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err));
    }
}
