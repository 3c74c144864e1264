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
 */
@Export
@Version("1.1.0")
package shm.api.ntx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
