/**
 * The backend SPI: what a backend (POSIX shared memory, a vendor library) offers to the neutral service and to the
 * vendor personalities.
 *
 * <p><b>Roles.</b> {@link shm.api.spi.ShmBackend} and {@link shm.api.spi.BackendHandle} are {@code @ProviderType}:
 * they are implemented by the backend bundles, which are responsible for this contract, and are consumed by the
 * neutral service and the personalities. A backend therefore imports this package with the provider range
 * {@code [1.5,1.6)} (the minor version it implements); consumers import {@code [1.5,2)}. Adding a method here is a minor version change.
 *
 * <p>1.3: {@link shm.api.spi.ShmBackend#waitForMultipleObjects} with {@link shm.api.spi.MultipleWaitResult} and
 * the capability {@link shm.api.spi.BackendCapabilities#WAIT_MULTIPLE}; {@link shm.api.spi.ShmBackend#reap()} with
 * {@link shm.api.spi.ReapReport} and {@link shm.api.spi.ShmBackend#deadProcesses()}; {@link shm.api.spi.ReferenceOpening}.
 *
 * <p>1.4: {@link shm.api.spi.DescriptorTable#deleteReleasingHold}, {@link shm.api.spi.BackendHandle#forget()} and
 * {@link shm.api.spi.ShmBackend#forget(Object)}: a process closes another process's handle (through the descriptor
 * that stands for it) and releases that process's hold at once; the owner later drops its view without releasing
 * again.
 *
 * <p>Also 1.4: events, mutexes and semaphores by reference ({@link shm.api.spi.ShmBackend#syncRef},
 * {@link shm.api.spi.ShmBackend#parkSync}, {@link shm.api.spi.ShmBackend#openEventByRef},
 * {@link shm.api.spi.ShmBackend#openMutexByRef}, {@link shm.api.spi.ShmBackend#openSemaphoreByRef}) with the
 * capability {@link shm.api.spi.BackendCapabilities#SYNC_REFS}: a personality keeps unnamed ones across its own update.
 *
 * <p>1.5: {@link shm.api.spi.ShmBackend#reclaiming}: a parked hold is taken back only by an open its successor
 * makes reclaiming; any other open adds a hold of its own. Before, any open of the object in the process took a
 * parked hold over, so another bundle's open and close during an update could destroy an object whose only holds
 * were parked. {@link shm.api.spi.ReferenceOpening#openByRef} reclaims.
 *
 * <p>1.6: {@link shm.api.spi.DescriptorTable#stillHeld}: which of many descriptors still stand, read in one step (a
 * default method that asks {@link shm.api.spi.DescriptorTable#get} for each; the mmap backend takes its table lock
 * once for all of them).
 *
 * <p><b>Mechanism, not policy.</b> A backend knows memory, names, handles, lifetimes and processes; it knows no vendor
 * rule and raises only neutral {@link shm.api.ShmException}s without a vendor number. Personalities translate.
 *
 * <p><b>Shape.</b> Creating returns an object that is already mapped, so that a vendor library whose create call
 * maps (RTX, INtime) implements the SPI one to one. Named objects of every {@link shm.api.ObjectType} share one
 * namespace: a backend refuses a name held by another type with
 * {@link shm.api.ErrorReason#NAME_USED_BY_OTHER_TYPE} and reports the holder's type in the message.
 */
@Export
@Version("1.8.0")
package shm.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
