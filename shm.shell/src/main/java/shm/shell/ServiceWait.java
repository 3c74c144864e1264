package shm.shell;

import java.time.Instant;

/** Waits, up to a deadline, until a service matching a filter is registered. */
@FunctionalInterface
interface ServiceWait {

    /**
     * Waits until a service matching {@code filter} is registered or {@code deadline} has passed.
     *
     * @param filter   an LDAP filter over service properties, such as {@code (osgi.command.scope=shm)}
     * @param deadline when to give up
     * @return whether such a service is registered
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean await(String filter, Instant deadline) throws InterruptedException;
}
