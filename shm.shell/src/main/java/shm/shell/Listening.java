package shm.shell;

/** A runtime listening for the commands of command lines of its home ({@link AttachedCommands}), until closed. */
@FunctionalInterface
interface Listening extends AutoCloseable {

    /** Listening nowhere: nothing to close. */
    Listening NOWHERE = () -> { };

    /** Stops listening; idempotent, never throws. */
    @Override
    void close();
}
