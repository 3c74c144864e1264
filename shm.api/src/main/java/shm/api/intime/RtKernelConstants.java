package shm.api.intime;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The numbers that INtime's {@code rt.h} and {@code ntx.h} both define: the 16-bit status codes ({@code E_*}, as
 * {@code GetLastRtError} and {@code ntxGetLastRtError} return them), the lookup time-outs and the page size. One declaration per number,
 * inherited by {@link IntimeConstants} and {@link shm.api.ntx.NtxConstants}, so code that includes both headers can
 * {@code import static} both classes without ambiguity (the two imports name the same field).
 */
@ProviderType
public interface RtKernelConstants {

    /** {@code E_OK}: no exceptional condition. */
    int E_OK = 0x0000;
    /** {@code E_TIME}: the time limit expired (a lookup that waited in vain, or could not wait). */
    int E_TIME = 0x0001;
    /** {@code E_MEM}: not enough physical memory (the process pool or the system's memory is exhausted). */
    int E_MEM = 0x0002;
    /** {@code E_LIMIT}: a limit would be exceeded (the process's object limit, a full object directory). */
    int E_LIMIT = 0x0004;
    /** {@code E_CONTEXT}: the name is already in the object directory, or not in it. */
    int E_CONTEXT = 0x0005;
    /** {@code E_EXIST}: the handle does not refer to an object. */
    int E_EXIST = 0x0006;
    /** {@code E_STATE}: an illegal state transition. */
    int E_STATE = 0x0007;
    /**
     * {@code E_NOT_CONFIGURED}: the kernel table's value; the platform's answer to failures no INtime status describes
     * (no backend bound, a broken store).
     */
    int E_NOT_CONFIGURED = 0x0008;
    /** {@code E_SLOT}: no free slot in the GDT. */
    int E_SLOT = 0x000C;
    /** {@code E_INVALID_ADDRESS}: an invalid address for a remote object. */
    int E_INVALID_ADDRESS = 0x00E2;
    /** {@code E_VMEM}: not enough virtual memory left in the process's virtual segment. */
    int E_VMEM = 0x00F0;
    /** {@code E_NOT_ALLOCATED}: no memory was allocated or mapped at the address. */
    int E_NOT_ALLOCATED = 0x00F2;
    /** {@code E_TYPE}: the handle is of the wrong type. */
    int E_TYPE = 0x8002;
    /** {@code E_PARAM}: a bad parameter (size 0 or too big, a name of length 0 or too long, ...). */
    int E_PARAM = 0x8004;
    /** {@code E_PROTECTION}: the access is not allowed. */
    int E_PROTECTION = 0x800D;
    /** {@code E_BAD_ADDR}: a bad pointer. */
    int E_BAD_ADDR = 0x800F;
    /** {@code E_ALIGNMENT}: a segment that is not page-aligned at both ends. */
    int E_ALIGNMENT = 0x80F1;
    /** {@code E_LOCATION}: the object is on a kernel that does not share memory with this host. */
    int E_LOCATION = 0x8F02;
    /**
     * {@code E_NTX_INTERNAL_ERROR} ({@code ntx.h}): the NTX library could not reach the RT kernel (on this platform: no
     * backend is bound, or the Windows process ended).
     */
    int E_NTX_INTERNAL_ERROR = 0x1001;

    /** {@code NO_WAIT}: a lookup that does not wait. */
    int NO_WAIT = 0;
    /** {@code WAIT_FOREVER}: a lookup that waits until the name is cataloged (the DWORD 0xFFFFFFFF). */
    int WAIT_FOREVER = 0xFFFFFFFF;

    /** The page size: {@code AllocateRtMemory} rounds up to it; NTX maps areas page-aligned at both ends. */
    int PAGE_SIZE = 4096;
}
