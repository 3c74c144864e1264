/**
 * The TenAsys INtime NTX calls for real-time shared memory in Java form, for Windows-side code ported from INtime.
 *
 * <p>{@link shm.api.ntx.NtxSharedMemory} mirrors the vendor calls one to one ({@code ntxMapRtSharedMemory},
 * {@code ntxMapRtSharedMemoryEx}, {@code ntxUnmapRtSharedMemory}, {@code ntxImportRtHandle},
 * {@code ntxExportRtHandle}, {@code ntxGetRootRtProcess}, {@code ntxGetLastRtError}); instead of the {@code LPVOID}
 * return value and {@code ntxGetLastRtError}, a map returns an {@link shm.api.ntx.NtxMapResult} and a call returning
 * an {@code NTXHANDLE} an {@link shm.api.ntx.NtxHandleResult}; {@code NTXSTATUS} calls return the status. The numbers of
 * {@code ntx.h}, and how an {@code NTXHANDLE} relates to the {@code RTHANDLE} it stands for, are in
 * {@link shm.api.ntx.NtxConstants}. The memory is memory of the INtime side: {@code RTHANDLE}s are the GDT slots that
 * {@link shm.api.intime.IntimeTables} lays out. Services of this package are registered by the NTX personality, one
 * per configured Windows process.
 *
 * <p>2.0.0: the numbers this package shares with another vendor's (Win32 codes, wait results, INtime kernel statuses)
 * are inherited from one interface ({@code shm.api.win32.Win32Constants}, {@code RtKernelConstants}) instead of
 * declared here, so the constants classes import together. Source code compiles unchanged, but the fields left the
 * class: the baseline against 1.0.0 counts that as a removal, hence the major version.
 */
@Export
@Version("2.0.0")
package shm.api.ntx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
