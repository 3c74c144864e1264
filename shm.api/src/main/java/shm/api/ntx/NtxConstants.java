package shm.api.ntx;

import shm.api.intime.RtKernelConstants;

/**
 * The numbers of INtime's {@code ntx.h} that the NTX shared-memory calls take and return, and the platform's encoding
 * of an {@code NTXHANDLE}. Where no public header gives a value, the Javadoc says so and names the platform's choice,
 * which is also recorded in the project's behaviour table ({@code docs/behaviour.md}, NTX section).
 *
 * <p><b>NTXHANDLE encoding.</b> An {@code NTXHANDLE} of this platform is {@link #NTX_HANDLE_TAG} ORed with the 16-bit
 * {@code RTHANDLE} it stands for: the low 16 bits are the {@code RTHANDLE}, so {@link #exportRtHandle(long)} is
 * {@code handle & 0xFFFF}, as {@code ntxExportRtHandle} is in INtime 3.x. The tag keeps an {@code NTXHANDLE} apart from
 * a raw {@code RTHANDLE} (at most 0xFFFF) and from an iwin32 handle (0x10000 to 0xFFFFFF), so an {@code RTHANDLE} read
 * out of shared data and passed on without {@code ntxImportRtHandle} is refused ({@code E_EXIST}) instead of naming
 * something by accident. Every INtime node of a backend shares one GDT, so the value does not carry a location: where
 * the memory is comes from the GDT descriptor itself.
 *
 * <p><b>Statuses.</b> The {@code NTXSTATUS} codes ({@code E_OK}, {@code E_EXIST}, ...) are INtime's, declared once in
 * {@link RtKernelConstants} and inherited here, so {@code import static} of this class and of
 * {@code IntimeConstants} together is not ambiguous. NTX's meaning of the ones it answers: {@code E_EXIST} a handle
 * names no object; {@code E_STATE} an unmap of a handle that is not mapped, or a writable map of a handle whose cached
 * mapping is read-only; {@code E_VMEM} a segment above {@link #NTX_MAX_MAP_SIZE} (the documents name no status);
 * {@code E_TYPE} not an address space; {@code E_PARAM} {@code dwFlags} bits no document defines, or a bad size or
 * name; {@code E_ALIGNMENT} a segment not page-aligned at both ends without {@link #NTX_MAP_UNALIGNED};
 * {@code E_LOCATION} memory on a kernel that does not share memory with this host.
 */
public final class NtxConstants implements RtKernelConstants {

    // ------------------------------------------------------------------ flags of ntxMapRtSharedMemoryEx

    /** {@code NTX_MAP_WRITE}: map the segment writable (the header notes: the value of {@code PAGE_READWRITE}). */
    public static final int NTX_MAP_WRITE = 0x4;
    /** {@code NTX_MAP_UNALIGNED}: allow a segment that is not page-aligned at both ends (above the PAGE_* bits). */
    public static final int NTX_MAP_UNALIGNED = 0x10000;


    // ------------------------------------------------------------------ handles, sentinels, sizes

    /** {@code NTX_BAD_NTXHANDLE}: the failure value of calls returning an {@code NTXHANDLE}, {@code (NTXHANDLE)-1}. */
    public static final long NTX_BAD_NTXHANDLE = -1L;
    /** {@code NTX_NULL_NTXHANDLE}: no object. */
    public static final long NTX_NULL_NTXHANDLE = 0L;
    /** {@code NTX_ERROR}: the failure value of calls returning a WORD, such as {@code ntxGetType}: {@code (WORD)-1}. */
    public static final int NTX_ERROR = 0xFFFF;
    /** {@code NTX_BAD_SIZE}: the failure value of calls returning a DWORD size, such as {@code ntxGetRtSize}. */
    public static final long NTX_BAD_SIZE = 0xFFFF_FFFFL;
    /**
     * {@code NTX_LOCAL}: the {@code NTXLOCATION} of the RT kernel beside this Windows host ({@code NULL} in
     * {@code ntx.h}). Any other location value of this platform is an INtime node number.
     */
    public static final long NTX_LOCAL = 0L;

    // ------------------------------------------------------------------ object types of ntxGetType (ntx.h)

    /** {@code NTX_TYPE_RT_PROCESS}: an RT process (the root process included). */
    public static final int NTX_TYPE_RT_PROCESS = 1;
    /** {@code NTX_TYPE_RT_THREAD}. No object of this platform has this type. */
    public static final int NTX_TYPE_RT_THREAD = 2;
    /** {@code NTX_TYPE_MAILBOX}. No object of this platform has this type. */
    public static final int NTX_TYPE_MAILBOX = 3;
    /** {@code NTX_TYPE_RT_SEMAPHORE}. No object of this platform has this type. */
    public static final int NTX_TYPE_RT_SEMAPHORE = 4;
    /** {@code NTX_TYPE_RT_SHARED_MEMORY}: a memory handle (segment). */
    public static final int NTX_TYPE_RT_SHARED_MEMORY = 6;

    /** The platform's tag of every {@code NTXHANDLE}: bits 16 to 31 (the letters "NX"); see the class comment. */
    public static final long NTX_HANDLE_TAG = 0x4E58_0000L;
    /** The most bytes one mapping can hold on Windows 7 and later, as the 7.x documents state: 0xFFFFF000. */
    public static final long NTX_MAX_MAP_SIZE = 0xFFFF_F000L;

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
