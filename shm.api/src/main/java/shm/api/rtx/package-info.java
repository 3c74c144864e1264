/**
 * The IntervalZero RTX / RTX64 / wRTOS shared-memory API in Java form, for code ported from those systems.
 *
 * <p>{@link shm.api.rtx.RtxSharedMemory} mirrors the vendor calls one to one ({@code RtCreateSharedMemory},
 * {@code RtOpenSharedMemory}, {@code RtCloseHandle}, {@code RtkRtssAttach}, {@code RtkCreateSharedMemory},
 * {@code RtkOpenSharedMemory}, {@code RtkCloseHandle}); instead of the {@code VOID **location} out-parameter and
 * {@code GetLastError} / {@code *pErrorCode} / the NTSTATUS return value, each call returns an
 * {@link shm.api.rtx.RtxResult}. The numeric constants of the vendor headers are in {@link shm.api.rtx.RtxConstants}.
 * Services of this package are registered by the RTX personality, one per configured caller context.
 */
@Export
@Version("1.1.0")
package shm.api.rtx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
