package shm.api.ntx;

/**
 * The numbers of INtime's {@code ntx.h} that the NTX shared-memory calls take and return, and the platform's encoding
 * of an {@code NTXHANDLE}. Where no public header gives a value, the Javadoc says so and names the platform's choice,
 * which is also recorded in the project's behaviour table ({@code docs/behaviour.md}, NTX section).
 *
 * <p><b>NTXHANDLE encoding.</b> An {@code NTXHANDLE} of this platform is {@link #NTX_HANDLE_TAG} ORed with the 16-bit
 * {@code RTHANDLE} it stands for: the low 16 bits are the {@code RTHANDLE}, so {@link #exportRtHandle(long)} is
 * {@code handle & 0xFFFF}, as {@code ntxExportRtHandle} is in INtime 3.x. The tag keeps an {@code NTXHANDLE} apart from
 * a raw {@code RTHANDLE} (at most 0xFFFF) and from an iwin32 handle (0x10000 to 0xFFFFFF), so an {@code RTHANDLE} read
 * out of shared data and passed on without {@code ntxImportRtHandle} is refused ({@link #E_EXIST}) instead of naming
 * something by accident. Every INtime node of a backend shares one GDT, so the value does not carry a location: where
 * the memory is comes from the GDT descriptor itself.
 */
public final class NtxConstants {

    // ------------------------------------------------------------------ flags of ntxMapRtSharedMemoryEx

    /** {@code NTX_MAP_WRITE}: map the segment writable (the header notes: the value of {@code PAGE_READWRITE}). */
    public static final int NTX_MAP_WRITE = 0x4;
    /** {@code NTX_MAP_UNALIGNED}: allow a segment that is not page-aligned at both ends (above the PAGE_* bits). */
    public static final int NTX_MAP_UNALIGNED = 0x10000;

    // ------------------------------------------------------------------ status codes (NTXSTATUS, 16-bit)

    /** {@code E_OK}: no exceptional condition. */
    public static final int E_OK = 0x0000;
    /** {@code E_EXIST}: a handle does not refer to an object. */
    public static final int E_EXIST = 0x0006;
    /**
     * {@code E_STATE}: an illegal state transition: an unmap of a handle that is not mapped, or a writable map of a
     * handle whose cached mapping is read-only.
     */
    public static final int E_STATE = 0x0007;
    /**
     * {@code E_VMEM}: not enough virtual memory: the platform's answer to a segment above
     * {@link #NTX_MAX_MAP_SIZE} (the documents name no status for it).
     */
    public static final int E_VMEM = 0x00F0;
    /** {@code E_TYPE}: the handle is not of an address space (not a memory handle). */
    public static final int E_TYPE = 0x8002;
    /** {@code E_PARAM}: a bad parameter: the platform's answer to {@code dwFlags} bits no document defines. */
    public static final int E_PARAM = 0x8004;
    /** {@code E_ALIGNMENT}: the segment is not page-aligned at both ends and {@link #NTX_MAP_UNALIGNED} was not given. */
    public static final int E_ALIGNMENT = 0x80F1;
    /** {@code E_LOCATION}: the object is on an RT kernel that does not share memory with this host. */
    public static final int E_LOCATION = 0x8F02;
    /** {@code E_NTX_INTERNAL_ERROR}: the NTX library could not reach the RT kernel (here: no backend is bound). */
    public static final int E_NTX_INTERNAL_ERROR = 0x1001;

    // ------------------------------------------------------------------ handles, sentinels, sizes

    /** {@code NTX_BAD_NTXHANDLE}: the failure value of calls returning an {@code NTXHANDLE}, {@code (NTXHANDLE)-1}. */
    public static final long NTX_BAD_NTXHANDLE = -1L;
    /** {@code NTX_NULL_NTXHANDLE}: no object. */
    public static final long NTX_NULL_NTXHANDLE = 0L;
    /** The platform's tag of every {@code NTXHANDLE}: bits 16 to 31 (the letters "NX"); see the class comment. */
    public static final long NTX_HANDLE_TAG = 0x4E58_0000L;
    /** The most bytes one mapping can hold on Windows 7 and later, as the 7.x documents state: 0xFFFFF000. */
    public static final long NTX_MAX_MAP_SIZE = 0xFFFF_F000L;
    /** The page size that "page-aligned at both ends" refers to. */
    public static final int PAGE_SIZE = 4096;

    private static final long RTHANDLE_MASK = 0xFFFFL;

    private NtxConstants() {
    }

    /**
     * The {@code NTXHANDLE} that stands for an {@code RTHANDLE}: {@code NTX_HANDLE_TAG | rtHandle}. Only an encoding:
     * whether the handle names an object is checked by the calls ({@code ntxImportRtHandle} checks it).
     *
     * @param rtHandle a 16-bit value
     * @throws IllegalArgumentException when the value is not 16 bits
     */
    public static long ntxHandleOf(int rtHandle) {
        if (rtHandle < 0 || rtHandle > RTHANDLE_MASK) {
            throw new IllegalArgumentException("an RTHANDLE is 16 bits: " + rtHandle);
        }
        return NTX_HANDLE_TAG | rtHandle;
    }

    /**
     * {@code ntxExportRtHandle(h)}: the {@code RTHANDLE} an {@code NTXHANDLE} stands for, {@code h & 0xFFFF} as the
     * INtime 3.x macro computes it (for any value, as the macro does).
     */
    public static int exportRtHandle(long ntxHandle) {
        return (int) (ntxHandle & RTHANDLE_MASK);
    }

    /** Whether a value carries the {@code NTXHANDLE} tag of this platform (and nothing above it). */
    public static boolean isNtxHandle(long value) {
        return (value & ~RTHANDLE_MASK) == NTX_HANDLE_TAG;
    }
}
