package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.*;

import java.lang.foreign.MemorySegment;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * RTX's shared-memory rules for the Rt* and Rtk* families: size and protection arguments, the answers to a create
 * that finds the object (by caller context and flavour), and the access of an open. Results carry the Win32 code, or
 * for RTX64 / wRTOS Rtk* calls the NTSTATUS; the handle goes into the process's {@link HandleTable}.
 */
final class SharedMemoryRules {

    private final RtxSettings settings;
    private final BackendBinding binding;
    private final HandleTable handles;
    private final NameRules names;

    SharedMemoryRules(RtxSettings settings, BackendBinding binding, HandleTable handles, NameRules names) {
        this.settings = settings;
        this.binding = binding;
        this.handles = handles;
        this.names = names;
    }

    /** Whether calls of {@code family} report NTSTATUS (RTX64 / wRTOS Rtk*) rather than Win32 codes. */
    boolean ntStatus(ApiFamily family) {
        return family == ApiFamily.RTK && settings.flavour() == Flavour.RTX64;
    }

    /** {@code RtCreateSharedMemory} / {@code RtkCreateSharedMemory}. */
    RtxResult create(ApiFamily family, int flProtect, int maximumSizeHigh, int maximumSizeLow, String name) {
        boolean nt = ntStatus(family);
        if (maximumSizeHigh != 0) {
            return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, "MaximumSizeHigh must be 0 (sizes are"
                    + " 32-bit), got 0x" + Integer.toHexString(maximumSizeHigh), nt);
        }
        long size = Integer.toUnsignedLong(maximumSizeLow);
        if (size == 0) {
            return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, "MaximumSizeLow must be at least 1 byte", nt);
        }
        RtxResult badName = names.check(name, nt);
        if (badName != null) {
            return badName;
        }
        Access access;
        if (family == ApiFamily.RT && settings.callerContext() == CallerContext.WINDOWS_PROCESS) {
            access = protectionOf(flProtect);
            if (access == null) {
                return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, "flProtect 0x"
                        + Integer.toHexString(flProtect) + (settings.protectEncoding() == ProtectEncoding.PAGE
                        ? " is neither PAGE_READONLY nor PAGE_READWRITE (rtx.protectEncoding = PAGE)"
                        : " is none of SHM_MAP_READ, SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, PAGE_READWRITE"
                        + " (rtx.protectEncoding = SHM_MAP)"), nt);
            }
        } else {
            access = Access.READ_WRITE; // "flProtect (ignored by RTSS)"; Rtk64: "Protect is ignored"
        }
        try {
            ShmBackend current = binding.bound(name);
            MapOptions options = MapOptions.DEFAULT.withAccess(access);
            BackendHandle handle = name == null ? current.createUnnamed(ObjectType.SHARED_MEMORY, size, options)
                    : current.createOrOpen(ObjectType.SHARED_MEMORY, name, size, options);
            if (!handle.alreadyExisted()) {
                return opened(handle, handle.segment(), family, current, false, ERROR_SUCCESS);
            }
            return existing(handle, family, size, name, current);
        } catch (ShmException e) {
            return RtxErrors.failed(RtxErrors.translate(e, name, nt));
        }
    }

    /** The documented answers to a create that found the object, by family and caller context. */
    private RtxResult existing(BackendHandle handle, ApiFamily family, long size, String name, ShmBackend owner) {
        long current = handle.byteSize();
        if (family == ApiFamily.RTK) {
            // Seed 000: "the size of the existing memory object is not changed".
            int code = settings.flavour() == Flavour.RTX64 ? STATUS_OBJECT_NAME_EXISTS : ERROR_ALREADY_EXISTS;
            return opened(handle, handle.segment(), family, owner, true, code);
        }
        if (size == current) {
            return opened(handle, handle.segment(), family, owner, true, ERROR_ALREADY_EXISTS);
        }
        if (settings.callerContext() == CallerContext.RTSS_PROCESS && size < current) {
            // Seed 002: "the object's size is decreased to the requested size, and that amount of memory is returned".
            try {
                handle.shrinkLogicalSize(size);
            } catch (ShmException e) {
                handle.close();
                return RtxErrors.failed(RtxErrors.translate(e, name, false));
            }
            return opened(handle, handle.segment().asSlice(0, size), family, owner, true, ERROR_ALREADY_EXISTS);
        }
        handle.close();
        String rule = settings.callerContext() == CallerContext.RTSS_PROCESS
                ? "the object exists with " + current + " bytes and does not expand to " + size
                + " from an RTSS process"
                : "the object exists with " + current + " bytes; from a Windows process a create must ask for"
                + " exactly that size, not " + size;
        return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, rule, false);
    }

    /** {@code RtOpenSharedMemory} / {@code RtkOpenSharedMemory}. */
    RtxResult open(ApiFamily family, int desiredAccess, String name) {
        boolean nt = ntStatus(family);
        RtxResult badName = names.checkForOpen(name, nt);
        if (badName != null) {
            return badName;
        }
        Access access = Access.READ_WRITE; // "The RTSS environment always grants read and write access"
        if (family == ApiFamily.RT && settings.callerContext() == CallerContext.WINDOWS_PROCESS) {
            access = accessOf(desiredAccess);
            if (access == null) {
                return RtxErrors.failed(ErrorReason.INVALID_PARAMETER, name, "dwDesiredAccess 0x"
                        + Integer.toHexString(desiredAccess) + " is none of SHM_MAP_READ, SHM_MAP_WRITE,"
                        + " SHM_MAP_ALL_ACCESS", nt);
            }
        }
        try {
            ShmBackend current = binding.bound(name);
            BackendHandle handle = current.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT.withAccess(access));
            return opened(handle, handle.segment(), family, current, true, ERROR_SUCCESS);
        } catch (ShmException e) {
            return RtxErrors.failed(RtxErrors.translate(e, name, nt));
        }
    }

    /** {@code flProtect} of a Windows process, read in the configured encoding; {@code null} for a value it lacks. */
    private Access protectionOf(int flProtect) {
        if (settings.protectEncoding() == ProtectEncoding.PAGE) {
            return switch (flProtect) {
                case PAGE_READONLY -> Access.READ_ONLY;
                case PAGE_READWRITE -> Access.READ_WRITE;
                default -> null;
            };
        }
        return switch (flProtect) {
            case SHM_MAP_READ -> Access.READ_ONLY;
            // 2 is both SHM_MAP_WRITE (wRTOS) and PAGE_READONLY (RTX64 3/4): read/write, as the newest documents say.
            case SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, PAGE_READWRITE -> Access.READ_WRITE;
            default -> null;
        };
    }

    /**
     * {@code dwDesiredAccess} of a Windows process;
     * {@code PAGE_READWRITE} is accepted, as public RTX code passes it.
     */
    private static Access accessOf(int desiredAccess) {
        return switch (desiredAccess) {
            case SHM_MAP_READ -> Access.READ_ONLY;
            case SHM_MAP_WRITE, SHM_MAP_ALL_ACCESS, PAGE_READWRITE -> Access.READ_WRITE;
            default -> null;
        };
    }

    private RtxResult opened(BackendHandle handle, MemorySegment location, ApiFamily family, ShmBackend owner,
                             boolean existed, int code) {
        long value = handles.register(handle, location, family, owner);
        if (value == 0) {
            return RtxErrors.failed(ErrorReason.CLOSED, handle.name(), "the RTX personality is closed",
                    ntStatus(family));
        }
        return new RtxResult(value, location, existed, code, null);
    }
}
