package shm.shell;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import shm.api.SharedMemoryService;
import shm.api.SyncObjectService;

/**
 * The operator's Gogo commands for named events, mutexes and semaphores, in scope {@code shm}: {@code event},
 * {@code mutex} and {@code semaphore}, each followed by a verb (see {@link SyncOperations}). They work on the neutral
 * service bound now; the handles they open stay open until {@code close} or until this component is deactivated.
 */
@Component(service = SyncCommands.class, immediate = true)
@GogoCommand(scope = "shm", function = {"event", "mutex", "semaphore"})
public final class SyncCommands {

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SyncObjectService sync;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedMemoryService memory;

    private final SyncOperations operations;
    private final org.osgi.framework.BundleContext context;
    /** Removed at deactivation: the framework would otherwise keep this instance (and the services it saw). */
    private final org.osgi.framework.SynchronousBundleListener stopping;

    /**
     * Commands that hold nothing yet; their handles are closed as soon as the framework begins to stop.
     *
     * @param context this bundle's context
     */
    @Activate
    public SyncCommands(org.osgi.framework.BundleContext context) {
        this.operations = new SyncOperations(() -> sync, () -> {
            SharedMemoryService current = memory;
            return current == null ? List.of() : current.list();
        });
        this.context = context;
        this.stopping = FrameworkStopping.onStop(context, operations::closeEverything);
    }

    /** Closes every handle the commands hold. */
    @Deactivate
    void closeHeldHandles() {
        FrameworkStopping.remove(context, stopping);
        operations.closeEverything();
    }

    /** {@code shm:event <verb> <name> ...}. */
    @Descriptor("named events. Usage: " + SyncOperations.EVENT_USAGE + " (a wait without timeout only polls; Ctrl-C"
            + " ends a wait)")
    public void event(@Descriptor("<verb> <name> [arguments]") String... words) {
        ShmCommands.answer(() -> operations.event(ShmCommands.words(words)));
    }

    /** {@code shm:mutex <verb> <name> ...}. */
    @Descriptor("named mutexes, owned by a thread of this shell once acquired. Usage: " + SyncOperations.MUTEX_USAGE)
    public void mutex(@Descriptor("<verb> <name> [arguments]") String... words) {
        ShmCommands.answer(() -> operations.mutex(ShmCommands.words(words)));
    }

    /** {@code shm:semaphore <verb> <name> ...}. */
    @Descriptor("named counting semaphores. Usage: " + SyncOperations.SEMAPHORE_USAGE)
    public void semaphore(@Descriptor("<verb> <name> [arguments]") String... words) {
        ShmCommands.answer(() -> operations.semaphore(ShmCommands.words(words)));
    }
}
