package shm.shell;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.SynchronousBundleListener;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;

/**
 * The operator's Gogo commands in scope {@code shm}: {@code list}, {@code create}, {@code open}, {@code write},
 * {@code dump}, {@code info}, {@code close} and {@code reap}. Each prints its answer to the session's standard output; each
 * failure is an exception with a one-line message (which the Gogo shell prints as one line).
 *
 * <p>The commands work on whichever {@link SharedMemoryService} is bound now (the reference is dynamic and greedy,
 * so a better-ranked service replaces the current one without restarting the commands). Handles opened by
 * {@code shm:create} and {@code shm:open} stay open until {@code shm:close}, or until this component is deactivated,
 * which closes them all. The component is immediate: a delayed one would be disposed (and its handles closed)
 * whenever Gogo releases the service between two commands.
 */
@Component(service = ShmCommands.class, immediate = true)
@GogoCommand(scope = "shm", function = {"list", "create", "open", "write", "dump", "info", "close", "reap"})
public final class ShmCommands {

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedMemoryService service;

    @Reference(policy = ReferencePolicy.DYNAMIC, cardinality = ReferenceCardinality.MULTIPLE,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ShmBackend> backends = List.of();

    private final ShellOperations operations;
    private final BundleContext context;
    /**
     * Removed at deactivation: the framework would otherwise keep every instance that ever ran (this component is
     * deactivated and activated again whenever the neutral service goes and comes) and, through it, the service of a
     * shm.core revision long gone (issue 10).
     */
    private final SynchronousBundleListener stopping;
    /** Orders the take-over of the previous revision's handles before this instance's deactivation. */
    private final TakeOverGate takeOver = new TakeOverGate();

    /**
     * Creates the commands with no handle held; Declarative Services binds the service right after. The handles are
     * closed as soon as the framework begins to stop (see {@link FrameworkStopping}).
     *
     * @param context this bundle's context
     */
    @Activate
    public ShmCommands(BundleContext context) {
        this.operations = new ShellOperations(() -> service, new HeldHandles(),
                () -> DeadProcessReport.dead(List.copyOf(backends)));
        this.context = context;
        this.stopping = FrameworkStopping.onStop(context, operations::closeEverything);
        // The service field is injected after the constructor: take the previous revision's handles over as soon as
        // it is there (a few milliseconds; given up after the handover's own patience).
        Thread.ofVirtual().name("shm.shell takeover").start(this::takeOverWhenBound);
    }

    /**
     * Takes the previous revision's handles over once the service is injected, unless this instance was deactivated
     * first: then they stay registered for the next instance, which takes them over instead (a take-over into an
     * instance that is going would leave them to its service's parking, issue 10). Deactivation waits for a take-over
     * that has begun, so that it hands on what was taken.
     */
    private void takeOverWhenBound() {
        long deadline = System.nanoTime() + ShellHandover.PATIENCE_SECONDS * 1_000_000_000L;
        while (service == null && !takeOver.isClosed() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                return;
            }
        }
        takeOver.runUnlessClosed(() -> {
            SharedMemoryService current = service;
            if (current != null) {
                ShellHandover.takeOver(context, current, operations.held()).forEach(System.err::println);
            }
        });
    }

    /**
     * Creates the commands over a service that is not injected by Declarative Services, for use outside a
     * framework (tests).
     *
     * @param currentService answers the service to use now
     */
    ShmCommands(Supplier<SharedMemoryService> currentService) {
        this.operations = new ShellOperations(currentService, new HeldHandles());
        this.context = null;
        this.stopping = null;
    }

    /**
     * Hands the handles the commands still hold over to the next revision of shm.shell when the framework goes on
     * (an update of shm.shell), so that an object only the shell holds survives; closes them when it stops.
     */
    @Deactivate
    void closeHeldHandles() {
        FrameworkStopping.remove(context, stopping);
        if (context == null) {
            operations.closeEverything();
            return;
        }
        Map<String, List<SharedMemory>> handles = takeOver.close(operations.held()::takeAll);
        if (!ShellHandover.handOver(context, handles)) {
            handles.values().forEach(list -> list.forEach(SharedMemory::close));
        }
    }

    /** Prints the table of all named objects of every type. */
    @Descriptor("list all named objects: name, type, size, logical size, holders (pid (process name) x handles);"
            + " never destroys: a holder that died is shown as (dead), and shm:reap releases it")
    public void list(@Descriptor("(no arguments)") String... arguments) {
        answer(() -> operations.list(words(arguments)));
    }

    /** Creates or opens the named object and keeps the handle open until {@link #close(String...)}. */
    @Descriptor("create a shared memory object, or open it if it exists (its size wins); the handle stays open"
            + " until shm:close. Usage: " + ShellOperations.CREATE_USAGE + "; size: 4096, 0x1000, 4k, 1M or 2G")
    public void create(@Descriptor("<name> <size>") String... arguments) {
        answer(() -> operations.create(words(arguments)));
    }

    /** Opens the existing named object and keeps the handle open until {@link #close(String...)}. */
    @Descriptor("open an existing shared memory object; the handle stays open until shm:close. Usage: "
            + ShellOperations.OPEN_USAGE)
    public void open(@Descriptor("<name>") String... arguments) {
        answer(() -> operations.open(words(arguments)));
    }

    /** Writes text (UTF-8) or hex bytes into the named object. */
    @Descriptor("write text (UTF-8; the words after the offset joined by single spaces) or, with --hex, hex bytes"
            + " at an offset. Uses a handle this shell holds; if it holds none, opens the object for this command"
            + " only. Usage: " + ShellOperations.WRITE_USAGE)
    public void write(
            @Descriptor("the data is hex bytes such as 48656c6c6f or '48 65 6c'")
            @Parameter(names = {"-x", "--hex"}, presentValue = "true", absentValue = "false") boolean hex,
            @Descriptor("<name> <offset> <text or hex bytes>") String... arguments) {
        answer(() -> operations.write(hex, words(arguments)));
    }

    /** Prints a hex and ASCII dump of the named object's bytes. */
    @Descriptor("hex and ASCII dump of an object's bytes, by default the first 256. Uses a handle this shell holds;"
            + " if it holds none, opens the object for this command only. Usage: " + ShellOperations.DUMP_USAGE)
    public void dump(@Descriptor("<name> [<offset> [<length>]]") String... arguments) {
        answer(() -> operations.dump(words(arguments)));
    }

    /** Prints the details of the named object. */
    @Descriptor("show an object's type, sizes, holders and the handles this shell holds. Usage: "
            + ShellOperations.INFO_USAGE)
    public void info(@Descriptor("<name>") String... arguments) {
        answer(() -> operations.info(words(arguments)));
    }

    /** Closes the handles of the named object that this shell holds. */
    @Descriptor("close the handles of an object that this shell opened (says so if it holds none). Usage: "
            + ShellOperations.CLOSE_USAGE)
    public void close(@Descriptor("<name>") String... arguments) {
        answer(() -> operations.close(words(arguments)));
    }

    /** Releases the handles of processes that died holding them, on every backend. */
    @Descriptor("release now the handles of processes that died holding them (every backend also does it on its next"
            + " operation other than a listing) and destroy the objects left without handles; names the dead"
            + " processes and the objects destroyed")
    public void reap(@Descriptor("(no arguments)") String... arguments) {
        answer(() -> {
            if (arguments.length != 0) {
                throw new UsageException("shm:reap takes no arguments", "shm:reap");
            }
            return DeadProcessReport.reap(List.copyOf(backends));
        });
    }

    /** The words as a list that may hold {@code null} (an unset Gogo variable), which the operations refuse. */
    static List<String> words(String... arguments) {
        return arguments == null ? List.of() : Arrays.asList(arguments);
    }

    /** Prints what {@code work} answers; a failure becomes a one-line {@link CommandFailure}. */
    static void answer(Supplier<String> work) {
        String text;
        try {
            text = work.get();
        } catch (RuntimeException failure) {
            throw CommandFailure.of(failure);
        }
        System.out.println(text);
    }
}
