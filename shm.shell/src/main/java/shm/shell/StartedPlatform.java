package shm.shell;

import java.time.Instant;

/**
 * The stages of a runtime whose platform has started already: what a command handed over by another command line
 * ({@link AttachedCommands}) runs with, since its runtime listens only once its own start (the configuration files
 * read, the shm bundles started, their components settled) is done. It starts nothing and has no console.
 */
final class StartedPlatform implements RuntimeStages {

    @Override
    public void startPlatform(Instant deadline) {
        // started before the runtime listened for other command lines
    }

    @Override
    public void startConsole() {
        throw new IllegalStateException("a handed-over command has no console of its own");
    }

    @Override
    public ConsoleEnd awaitConsoleEnd() {
        throw new IllegalStateException("a handed-over command has no console of its own");
    }

    @Override
    public int consoleFailures() {
        return 0;
    }
}
