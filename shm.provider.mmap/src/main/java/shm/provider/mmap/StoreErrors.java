package shm.provider.mmap;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The one place that turns what the operating system answered (an errno, a JDK I/O exception type) into an
 * {@link ErrorReason}. Never matches on message text.
 */
final class StoreErrors {

    private StoreErrors() {
    }

    /** The reason for an errno. */
    static ErrorReason reasonOf(int errno) {
        return switch (errno) {
            case Errno.ENOSPC, Errno.ENOMEM, Errno.EFBIG, Errno.EDQUOT -> ErrorReason.NO_MEMORY;
            case Errno.EACCES, Errno.EPERM -> ErrorReason.ACCESS_DENIED;
            case Errno.ENOENT -> ErrorReason.NOT_FOUND;
            case Errno.EMFILE, Errno.ENFILE -> ErrorReason.LIMIT;
            case Errno.ELOOP, Errno.ENOTDIR, Errno.EISDIR, Errno.EEXIST -> ErrorReason.INCOMPATIBLE_STORE;
            default -> ErrorReason.INTERNAL;
        };
    }

    /** A failure of the store as a whole: the message names the root, never "unnamed object". */
    static ShmException store(ErrorReason reason, java.nio.file.Path root, String rule, Throwable cause) {
        return ShmException.ofStore(reason, root.toString(), rule, cause);
    }

    /** A failure of the store as a whole, without a cause. */
    static ShmException store(ErrorReason reason, java.nio.file.Path root, String rule) {
        return ShmException.ofStore(reason, root.toString(), rule, null);
    }

    /** A failure of a C library call, about the object {@code name} ({@code null} for the store itself). */
    static ShmException failure(String name, String what, LibC.Failure f) {
        return new ShmException(reasonOf(f.errno), name, what + ": " + f.getMessage(), null, f);
    }

    /** A failure of a JDK file call, by the exception's type. */
    static ShmException failure(String name, String what, IOException e) {
        ErrorReason reason;
        if (e instanceof NoSuchFileException) {
            reason = ErrorReason.NOT_FOUND;
        } else if (e instanceof AccessDeniedException) {
            reason = ErrorReason.ACCESS_DENIED;
        } else {
            reason = ErrorReason.INTERNAL;
        }
        return new ShmException(reason, name, what + ": " + e, null, e);
    }
}
