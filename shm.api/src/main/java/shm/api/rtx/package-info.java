/**
 * The IntervalZero RTX / RTX64 / wRTOS shared-memory API in Java form, for code ported from those systems.
 *
 * <p>{@link shm.api.rtx.RtxSharedMemory} mirrors the vendor calls one to one ({@code RtCreateSharedMemory},
 * {@code RtOpenSharedMemory}, {@code RtCloseHandle}, {@code RtkRtssAttach}, {@code RtkCreateSharedMemory},
 * {@code RtkOpenSharedMemory}, {@code RtkCloseHandle}); instead of the {@code VOID **location} out-parameter and
 * {@code GetLastError} / {@code *pErrorCode} / the NTSTATUS return value, each call returns an
 * {@link shm.api.rtx.RtxResult}. The numeric constants of the vendor headers are in {@link shm.api.rtx.RtxConstants}.
 * Services of this package are registered by the RTX personality, one per configured caller context.
 *
 * <p>2.0.0: the numbers this package shares with another vendor's (Win32 codes, wait results, INtime kernel statuses)
 * are inherited from one interface ({@code shm.api.win32.Win32Constants}, {@code RtKernelConstants}) instead of
 * declared here, so the constants classes import together. Source code compiles unchanged, but the fields left the
 * class: the baseline against 1.0.0 counts that as a removal, hence the major version.
 *
 * <p>2.1.0: {@code RtWaitForMultipleObjects} ({@link shm.api.rtx.RtxSync}).
 */
@Export
@Version("2.1.0")
package shm.api.rtx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
