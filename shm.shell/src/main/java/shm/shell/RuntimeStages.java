package shm.shell;

import java.time.Instant;

/**
 * The stages of the runtime that the command line drives: the platform (the shm bundles, started once the
 * configuration files are read), the interactive console, and the console's end.
 */
interface RuntimeStages {

    /** How an interactive console ended, as far as the entry point can tell. */
    enum ConsoleEnd {
        /** The framework is stopping: the console's input ended, {@code exit}, or a signal. */
        FRAMEWORK_STOPPING,
        /** This entry point was withdrawn while the framework goes on (shm.shell is updated or refreshed). */
        WITHDRAWN
    }

    /**
     * Starts the shm bundles once the configuration files of the home are read (or the deadline passed), and waits
     * until they have all started (or the deadline passed), so that a command never runs while only some backends
     * are registered.
     *
     * @param deadline when to stop waiting for the configuration files and start anyway, and when to stop waiting
     *                 for the bundles to start
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void startPlatform(Instant deadline) throws InterruptedException;

    /** Starts the interactive console (Gogo's JLine console bundle). */
    void startConsole();

    /**
     * Waits until the console ends; a runtime served without a console waits here too, until the framework stops or
     * the entry point is withdrawn.
     *
     * @return how it ended
     * @throws InterruptedException when the waiting thread is interrupted
     */
    ConsoleEnd awaitConsoleEnd() throws InterruptedException;

    /** How many commands failed at the console so far. */
    int consoleFailures();
}
