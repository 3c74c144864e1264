package shm.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedSemaphore;
import shm.api.ObjectInfo;
import shm.api.ShmException;
import shm.api.SyncObjectService;
import shm.api.WaitResult;

/**
 * What {@code shm:event}, {@code shm:mutex} and {@code shm:semaphore} do, apart from Gogo: each takes the words after
 * the command (a verb, a name, the verb's arguments) and answers the text to show. Handles opened by {@code create}
 * and {@code open} stay open until {@code close} or until the shell goes away.
 *
 * <p>A mutex belongs to a thread, and Gogo may run two commands on two threads: so each mutex handle the shell holds
 * has one thread of its own that makes every call on it, and the mutex, once acquired, is owned by that thread until
 * {@code release} or {@code close}. Waits run in slices of {@value #SLICE_MILLIS} ms, so that Ctrl-C (which
 * interrupts the command's thread) ends a long wait within a slice; a pulse that falls between two slices is missed,
 * as it would be by a waiter that arrives a moment late. A wait holds none of this object's state while it waits,
 * so that another command (from a second session, or a command line handed to the runtime) can signal the object it
 * waits on, or use any other; a handle closed meanwhile ends the wait with that handle's failure.
 */
final class SyncOperations {

    static final String EVENT_USAGE = "shm:event create <name> [manual] [signaled] | open <name> | set <name>"
            + " | reset <name> | pulse <name> | wait <name> [<timeout ms>] | state <name> | close <name>";
    static final String MUTEX_USAGE = "shm:mutex create <name> [owned] | open <name> | wait <name> [<timeout ms>]"
            + " | release <name> | state <name> | close <name>";
    static final String SEMAPHORE_USAGE = "shm:semaphore create <name> <initial> <maximum> | open <name>"
            + " | wait <name> [<timeout ms>] | release <name> [<count>] | state <name> | close <name>";

    /** How long one slice of a wait lasts. */
    static final long SLICE_MILLIS = 50;

    private final Supplier<SyncObjectService> service;
    private final Supplier<List<ObjectInfo>> objects;
    private final Map<String, NamedEvent> events = new LinkedHashMap<>();
    private final Map<String, MutexHolder> mutexes = new LinkedHashMap<>();
    private final Map<String, NamedSemaphore> semaphores = new LinkedHashMap<>();

    /**
     * Operations that hold nothing yet.
     *
     * @param service answers the sync-object service to use now, or {@code null} when none is bound
     * @param objects answers the current listing of objects, for {@code state}
     */
    SyncOperations(Supplier<SyncObjectService> service, Supplier<List<ObjectInfo>> objects) {
        this.service = Objects.requireNonNull(service, "service");
        this.objects = Objects.requireNonNull(objects, "objects");
    }

    /** {@code shm:event <verb> <name> ...}. */
    String event(List<String> words) {
        SyncWords command = SyncWords.of(words, EVENT_USAGE);
        if (command.verb().equals("wait")) {
            NamedEvent event = heldNow(events, command.name(), "event");
            return waited("event", command.name(), sliced(command.timeout(), event::await));
        }
        synchronized (this) {
            return eventLocked(command);
        }
    }

    private String eventLocked(SyncWords command) {
        String name = command.name();
        return switch (command.verb()) {
            case "create" -> {
                command.flags("manual", "signaled");
                NamedEvent event = service().createOrOpenEvent(name, command.has("manual"), command.has("signaled"));
                keep(events, name, event, NamedEvent::close);
                yield (event.alreadyExisted() ? "opened existing event " : "created event ") + OperatorText.quoted(name)
                        + (event.manualReset() ? " (manual reset)" : " (auto reset)");
            }
            case "open" -> {
                command.none();
                NamedEvent event = service().openEvent(name);
                keep(events, name, event, NamedEvent::close);
                yield "opened event " + OperatorText.quoted(name);
            }
            case "set", "reset", "pulse" -> {
                command.none();
                NamedEvent event = held(events, name, "event");
                switch (command.verb()) {
                    case "set" -> event.set();
                    case "reset" -> event.reset();
                    default -> event.pulse();
                }
                yield command.verb() + " event " + OperatorText.quoted(name);
            }
            case "state" -> {
                command.none();
                yield state(name);
            }
            case "close" -> {
                command.none();
                NamedEvent event = events.remove(name);
                yield closed(event != null, name, "event", event == null ? () -> { } : event::close);
            }
            default -> throw command.wrong("unknown verb " + OperatorText.quoted(command.verb()));
        };
    }

    /** {@code shm:mutex <verb> <name> ...}. */
    String mutex(List<String> words) {
        SyncWords command = SyncWords.of(words, MUTEX_USAGE);
        String name = command.name();
        // The calls on a held mutex run on its own thread, which a wait keeps busy: they are made outside this
        // object's lock, so that a wait on one mutex holds up no other command.
        switch (command.verb()) {
            case "wait" -> {
                MutexHolder holder = heldNow(mutexes, name, "mutex");
                long timeout = command.timeout();
                return waited("mutex", name, holder.await(() -> sliced(timeout, holder.mutex()::acquire)));
            }
            case "release" -> {
                command.none();
                MutexHolder holder = heldNow(mutexes, name, "mutex");
                holder.call(() -> {
                    holder.mutex().release();
                    return null;
                });
                return "released mutex " + OperatorText.quoted(name);
            }
            case "close" -> {
                command.none();
                MutexHolder holder;
                synchronized (this) {
                    holder = mutexes.remove(name);
                }
                return closed(holder != null, name, "mutex", holder == null ? () -> { } : holder::close);
            }
            default -> {
                synchronized (this) {
                    return mutexLocked(command);
                }
            }
        }
    }

    private String mutexLocked(SyncWords command) {
        String name = command.name();
        return switch (command.verb()) {
            case "create", "open" -> {
                boolean create = command.verb().equals("create");
                if (create) {
                    command.flags("owned");
                } else {
                    command.none();
                }
                boolean owned = command.has("owned");
                MutexHolder holder = MutexHolder.start(name, () -> create
                        ? service().createOrOpenMutex(name, owned) : service().openMutex(name));
                keep(mutexes, name, holder, MutexHolder::close);
                yield (!create ? "opened mutex " : holder.alreadyExisted() ? "opened existing mutex "
                        : "created mutex ") + OperatorText.quoted(name)
                        + (owned && !holder.alreadyExisted() ? " (owned by this shell)" : "");
            }
            case "state" -> {
                command.none();
                yield state(name);
            }
            default -> throw command.wrong("unknown verb " + OperatorText.quoted(command.verb()));
        };
    }

    /** {@code shm:semaphore <verb> <name> ...}. */
    String semaphore(List<String> words) {
        SyncWords command = SyncWords.of(words, SEMAPHORE_USAGE);
        if (command.verb().equals("wait")) {
            NamedSemaphore semaphore = heldNow(semaphores, command.name(), "semaphore");
            return waited("semaphore", command.name(), sliced(command.timeout(), semaphore::acquire));
        }
        synchronized (this) {
            return semaphoreLocked(command);
        }
    }

    private String semaphoreLocked(SyncWords command) {
        String name = command.name();
        List<String> rest = command.rest();
        return switch (command.verb()) {
            case "create" -> {
                if (rest.size() != 2) {
                    throw command.wrong("create needs <initial> <maximum>");
                }
                long initial = command.number(rest.get(0));
                long maximum = command.number(rest.get(1));
                NamedSemaphore semaphore = service().createOrOpenSemaphore(name, initial, maximum);
                keep(semaphores, name, semaphore, NamedSemaphore::close);
                yield (semaphore.alreadyExisted() ? "opened existing semaphore " : "created semaphore ")
                        + OperatorText.quoted(name) + " (maximum " + semaphore.maximumCount() + ")";
            }
            case "open" -> {
                command.none();
                NamedSemaphore semaphore = service().openSemaphore(name);
                keep(semaphores, name, semaphore, NamedSemaphore::close);
                yield "opened semaphore " + OperatorText.quoted(name);
            }
            case "release" -> {
                if (rest.size() > 1) {
                    throw command.wrong("too many arguments");
                }
                long count = rest.isEmpty() ? 1 : command.number(rest.get(0));
                long before = held(semaphores, name, "semaphore").release(count);
                yield "released semaphore " + OperatorText.quoted(name) + " by " + count + " (count was " + before
                        + ")";
            }
            case "state" -> {
                command.none();
                yield state(name);
            }
            case "close" -> {
                command.none();
                NamedSemaphore semaphore = semaphores.remove(name);
                yield closed(semaphore != null, name, "semaphore", semaphore == null ? () -> { } : semaphore::close);
            }
            default -> throw command.wrong("unknown verb " + OperatorText.quoted(command.verb()));
        };
    }

    /** Names of the events, mutexes and semaphores this shell holds, for {@code shm:status}. */
    synchronized List<String> heldNames() {
        List<String> names = new ArrayList<>();
        events.keySet().forEach(name -> names.add("event " + OperatorText.quoted(name)));
        mutexes.keySet().forEach(name -> names.add("mutex " + OperatorText.quoted(name)));
        semaphores.keySet().forEach(name -> names.add("semaphore " + OperatorText.quoted(name)));
        return names;
    }

    /**
     * Closes every handle; answers how many there were. The handles leave this object under its lock and are closed
     * outside it, so that a close (a mutex's ends a wait under way on it first) holds up no other command.
     */
    int closeEverything() {
        List<NamedEvent> heldEvents;
        List<MutexHolder> heldMutexes;
        List<NamedSemaphore> heldSemaphores;
        synchronized (this) {
            heldEvents = List.copyOf(events.values());
            heldMutexes = List.copyOf(mutexes.values());
            heldSemaphores = List.copyOf(semaphores.values());
            events.clear();
            mutexes.clear();
            semaphores.clear();
        }
        heldEvents.forEach(NamedEvent::close);
        heldMutexes.forEach(MutexHolder::close);
        heldSemaphores.forEach(NamedSemaphore::close);
        return heldEvents.size() + heldMutexes.size() + heldSemaphores.size();
    }

    private String state(String name) {
        ObjectInfo object = objects.get().stream().filter(o -> name.equals(o.name())).findFirst()
                .orElseThrow(() -> new ShmException(ErrorReason.NOT_FOUND, name, "no object of that name exists"));
        String words = OperatorText.state(object.objectState());
        String state = words.isEmpty() ? "-" : words;
        return OperatorText.quoted(name) + " " + object.type().name() + ": " + state + "; holders "
                + ObjectListing.holders(object.holders());
    }

    private static String waited(String what, String name, WaitResult result) {
        return switch (result) {
            case SIGNALED -> what.equals("mutex") ? "acquired mutex " + OperatorText.quoted(name)
                    : "waited on " + what + " " + OperatorText.quoted(name) + ": signaled";
            case ABANDONED -> "acquired mutex " + OperatorText.quoted(name)
                    + " ABANDONED by a dead owner: the data it guards may be inconsistent";
            case TIMEOUT -> "waited on " + what + " " + OperatorText.quoted(name) + ": timed out";
        };
    }

    /** Waits up to {@code timeoutMillis} in slices; an interrupt ends it with a one-line failure. */
    static WaitResult sliced(long timeoutMillis, Function<Duration, WaitResult> wait) {
        Instant deadline = Instant.now().plusMillis(timeoutMillis);
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            WaitResult result = wait.apply(Duration.ofMillis(Math.max(0, Math.min(SLICE_MILLIS, left))));
            if (result != WaitResult.TIMEOUT || left <= SLICE_MILLIS) {
                return result;
            }
            if (Thread.interrupted()) {
                throw new CommandFailure("interrupted: the wait was given up", null);
            }
        }
    }

    private static <T> void keep(Map<String, T> held, String name, T handle, Consumer<T> close) {
        T before = held.put(name, handle);
        if (before != null) {
            close.accept(before);
        }
    }

    /** {@link #held} under this object's lock, for a wait that then runs without it. */
    private synchronized <T> T heldNow(Map<String, T> held, String name, String what) {
        return held(held, name, what);
    }

    private static <T> T held(Map<String, T> held, String name, String what) {
        T handle = held.get(name);
        if (handle == null) {
            throw new CommandFailure("this shell holds no " + what + " " + OperatorText.quoted(name) + ": create or"
                    + " open it first (shm:" + what + " open " + name + ")", null);
        }
        return handle;
    }

    private static String closed(boolean held, String name, String what, Runnable close) {
        if (!held) {
            return "this shell holds no " + what + " " + OperatorText.quoted(name) + ": nothing to close";
        }
        close.run();
        return "closed " + what + " " + OperatorText.quoted(name);
    }

    private SyncObjectService service() {
        SyncObjectService current = service.get();
        if (current == null) {
            throw new CommandFailure("no shared-memory service is available", null);
        }
        return current;
    }
}
