package shm.provider.mmap;

/**
 * The Linux errno values the store tells apart (the same on x86-64 and AArch64), as {@link LibC.Failure#errno} and
 * the C library functions report them. Numbers only: their text is the C library's
 * ({@link CLibraryFunctions#describe}), and which {@code ErrorReason} each stands for is {@link StoreErrors}'s.
 */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EWOULDBLOCK = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int EINVAL = 22;
    static final int EOPNOTSUPP = 95;
    static final int EDQUOT = 122;

    private Errno() {
    }
}
