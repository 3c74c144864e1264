/**
 * The neutral shared-memory API of the shm platform: what a Java user gets without a vendor personality.
 *
 * <p>The semantics follow Win32 file mappings: {@link shm.api.SharedMemoryService#createOrOpen create-or-open},
 * the existing size wins, one namespace is shared by all object types, the last close destroys the object and
 * the death of a process closes its handles. "Already exists" is a status on success
 * ({@link shm.api.SharedMemory#alreadyExisted()}), never an exception; every failure is a
 * {@link shm.api.ShmException} carrying a vendor-neutral {@link shm.api.ErrorReason} and, where a vendor
 * personality raised it, the vendor's exact number ({@link shm.api.VendorError}).
 *
 * <p>Rules every type of this API and of {@code shm.api.spi} keeps:
 * <ul>
 * <li><b>Unnamed objects.</b> A handle an application holds ({@link shm.api.SharedMemory}, {@link shm.api.NamedEvent},
 * {@link shm.api.NamedMutex}, {@link shm.api.NamedSemaphore}) answers {@code Optional.empty()} for the name of an
 * unnamed object. Value types ({@link shm.api.ObjectInfo}) and the backend SPI ({@code BackendHandle}), which carry
 * data between components, use {@code null}, and say so on the component. No other value is ever {@code null}
 * unless its documentation says so.</li>
 * <li><b>Sizes.</b> {@code byteSize()} of a handle is the size callers are given (the logical size, what the
 * mapping spans); {@code reservedSize()} is what the store holds for the object, at least that. (In
 * {@link shm.api.ObjectInfo}, for compatibility with 1.0, {@code byteSize} is the reserved size and
 * {@code logicalSize} the logical one.)</li>
 * <li><b>State.</b> The state of an event, mutex or semaphore is data ({@link shm.api.ObjectState}); whoever shows
 * it renders it.</li>
 * </ul>
 *
 * @version 1.1: {@link shm.api.ObjectState} and {@link shm.api.ObjectInfo#objectState()} (the words of
 *          {@code ObjectInfo.state()} are deprecated), {@link shm.api.ObjectInfo#reservedSize()}; 1.2:
 *          {@link shm.api.MapOptions#confined() confined handles}, the fast mode for a caller that promises a single
 *          thread
 */
@Export
@Version("1.3.0")
package shm.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
