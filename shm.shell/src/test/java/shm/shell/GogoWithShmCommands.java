package shm.shell;

import java.nio.file.Path;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;

import shm.core.NeutralSharedMemoryService;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * The real Gogo runtime with the real shm commands over the neutral service and a real mmap backend of its own root,
 * without the OSGi service registry (the commands are added to the processor directly): what the command-line tests
 * of this module run commands with.
 */
final class GogoWithShmCommands implements AutoCloseable {

    /** The shm commands the processor knows. */
    static final List<String> FUNCTIONS = List.of("list", "create", "open", "write", "dump", "info", "close");

    final MmapBackend backend;
    final NeutralSharedMemoryService service;
    final ShmCommands commands;
    final CommandProcessorImpl processor;
    private final ThreadIOImpl threadIO;

    /** Starts Gogo with the shm commands over a backend of {@code root}. */
    GogoWithShmCommands(Path root) {
        backend = new MmapBackend(MmapSettings.under(root));
        service = new NeutralSharedMemoryService(backend);
        commands = new ShmCommands(() -> service);
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        FUNCTIONS.forEach(function -> processor.addCommand("shm", commands, function));
    }

    /** Stops Gogo, closes the handles the commands hold, the service and the backend. */
    @Override
    public void close() {
        processor.stop();
        threadIO.stop();
        commands.closeHeldHandles();
        service.close();
        backend.close();
    }
}
