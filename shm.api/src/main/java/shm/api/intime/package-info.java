/**
 * The TenAsys INtime shared-memory API in Java form, for code ported from INtime.
 *
 * <p>Three service interfaces, all registered by the INtime personality for one INtime "process" each:
 * <ul>
 *   <li>{@link shm.api.intime.Iwin32SharedMemory}: the iwin32 calls ({@code RtCreateSharedMemory},
 *       {@code RtOpenSharedMemory}, {@code CloseHandle} / {@code RtCloseHandle}, {@code RtUnmapSharedMemory},
 *       {@code GetLastError}): named, handle-counted shared memory drawn from the iwin32 memory pool, with handles that
 *       are unique system-wide;</li>
 *   <li>{@link shm.api.intime.Iwin32Sync}: the iwin32 event, mutex and semaphore calls ({@code RtCreateEvent} …
 *       {@code RtReleaseSemaphore}, {@code WaitForSingleObject} / {@code RtWaitForSingleObject}), in the namespace
 *       and the handle table of iwin32 shared memory;</li>
 *   <li>{@link shm.api.intime.IntimeKernelMemory}: the INtime kernel calls ({@code AllocateRtMemory},
 *       {@code FreeRtMemory}, {@code CreateRtMemoryHandle}, {@code DeleteRtMemoryHandle}, {@code MapRtSharedMemory},
 *       the object-directory calls and {@code GetLastRtError}): unnamed memory shared through 16-bit RTHANDLEs, each
 *       one a slot of the system-wide descriptor table (the GDT).</li>
 * </ul>
 * Instead of the {@code VOID **location} out-parameter and {@code GetLastError} / {@code GetLastRtError}, calls that
 * return a handle or a pointer return a result record ({@link shm.api.intime.Iwin32Result},
 * {@link shm.api.intime.RtHandleResult}, {@link shm.api.intime.RtMemoryResult}); {@code BOOLEAN} calls return a
 * {@code boolean} and leave the status for {@code GetLastRtError} / {@code GetLastError}, as INtime does. The numbers of
 * the vendor headers are in {@link shm.api.intime.IntimeConstants}; how this platform lays out the system-wide tables
 * that several personalities share (the GDT, the iwin32 handle table, the object directories) is in
 * {@link shm.api.intime.IntimeTables}.
 *
 * <p>2.0.0: the numbers this package shares with another vendor's (Win32 codes, wait results, INtime kernel statuses)
 * are inherited from one interface ({@code shm.api.win32.Win32Constants}, {@code RtKernelConstants}) instead of
 * declared here, so the constants classes import together. Source code compiles unchanged, but the fields left the
 * class: the baseline against 1.0.0 counts that as a removal, hence the major version.
 *
 * <p>2.1.0: {@code WaitForMultipleObjects} / {@code RtWaitForMultipleObjects} ({@link shm.api.intime.Iwin32Sync}).
 */
@Export
@Version("2.1.0")
package shm.api.intime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
