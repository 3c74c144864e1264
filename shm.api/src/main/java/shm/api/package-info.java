/**
 * The neutral shared-memory API of the shm platform: what a Java user gets without a vendor personality.
 *
 * <p>The semantics follow Win32 file mappings: {@link shm.api.SharedMemoryService#createOrOpen create-or-open},
 * the existing size wins, one namespace is shared by all object types, the last close destroys the object and
 * the death of a process closes its handles. "Already exists" is a status on success
 * ({@link shm.api.SharedMemory#alreadyExisted()}), never an exception; every failure is a
 * {@link shm.api.ShmException} carrying a vendor-neutral {@link shm.api.ErrorReason} and, where a vendor
 * personality raised it, the vendor's exact number ({@link shm.api.VendorError}).
 */
@Export
@Version("1.1.0")
package shm.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
