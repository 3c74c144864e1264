package shm.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
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
        String verb = verb(words, EVENT_USAGE);
        String name = name(words, EVENT_USAGE);
        List<String> rest = words.subList(2, words.size());
        if (verb.equals("wait")) {
            NamedEvent event = heldNow(events, name, "event");
            return waited("event", name, sliced(timeout(rest, EVENT_USAGE), event::await));
        }
        synchronized (this) {
            return eventLocked(verb, name, rest);
        }
    }

    private String eventLocked(String verb, String name, List<String> rest) {
        return switch (verb) {
            case "create" -> {
                flags(rest, EVENT_USAGE, "manual", "signaled");
                NamedEvent event = service().createOrOpenEvent(name, rest.contains("manual"), rest.contains("signaled"));
                keep(events, name, event, NamedEvent::close);
                yield (event.alreadyExisted() ? "opened existing event " : "created event ") + OperatorText.quoted(name)
                        + (event.manualReset() ? " (manual reset)" : " (auto reset)");
            }
            case "open" -> {
                none(rest, EVENT_USAGE);
                NamedEvent event = service().openEvent(name);
                keep(events, name, event, NamedEvent::close);
                yield "opened event " + OperatorText.quoted(name);
            }
            case "set", "reset", "pulse" -> {
                none(rest, EVENT_USAGE);
                NamedEvent event = held(events, name, "event");
                switch (verb) {
                    case "set" -> event.set();
                    case "reset" -> event.reset();
                    default -> event.pulse();
                }
                yield verb + " event " + OperatorText.quoted(name);
            }
            case "state" -> {
                none(rest, EVENT_USAGE);
                yield state(name);
            }
            case "close" -> {
                none(rest, EVENT_USAGE);
                yield closed(events.remove(name) != null, name, "event", () -> { });
            }
            default -> throw new UsageException("unknown verb " + OperatorText.quoted(verb), EVENT_USAGE);
        };
    }

    /** {@code shm:mutex <verb> <name> ...}. */
    String mutex(List<String> words) {
        String verb = verb(words, MUTEX_USAGE);
        String name = name(words, MUTEX_USAGE);
        List<String> rest = words.subList(2, words.size());
        // The calls on a held mutex run on its own thread, which a wait keeps busy: they are made outside this
        // object's lock, so that a wait on one mutex holds up no other command.
        switch (verb) {
            case "wait" -> {
                MutexHolder holder = heldNow(mutexes, name, "mutex");
                long timeout = timeout(rest, MUTEX_USAGE);
                return waited("mutex", name, holder.await(() -> sliced(timeout, holder.mutex()::acquire)));
            }
            case "release" -> {
                none(rest, MUTEX_USAGE);
                MutexHolder holder = heldNow(mutexes, name, "mutex");
                holder.call(() -> {
                    holder.mutex().release();
                    return null;
                });
                return "released mutex " + OperatorText.quoted(name);
            }
            case "close" -> {
                none(rest, MUTEX_USAGE);
                MutexHolder holder;
                synchronized (this) {
                    holder = mutexes.remove(name);
                }
                return closed(holder != null, name, "mutex", holder == null ? () -> { } : holder::close);
            }
            default -> {
                synchronized (this) {
                    return mutexLocked(verb, name, rest);
                }
            }
        }
    }

    private String mutexLocked(String verb, String name, List<String> rest) {
        return switch (verb) {
            case "create", "open" -> {
                if (verb.equals("create")) {
                    flags(rest, MUTEX_USAGE, "owned");
                } else {
                    none(rest, MUTEX_USAGE);
                }
                boolean owned = rest.contains("owned");
                MutexHolder holder = MutexHolder.start(name, () -> verb.equals("create")
                        ? service().createOrOpenMutex(name, owned) : service().openMutex(name));
                keep(mutexes, name, holder, MutexHolder::close);
                yield (verb.equals("open") ? "opened mutex " : holder.alreadyExisted() ? "opened existing mutex "
                        : "created mutex ") + OperatorText.quoted(name)
                        + (owned && !holder.alreadyExisted() ? " (owned by this shell)" : "");
            }
            case "state" -> {
                none(rest, MUTEX_USAGE);
                yield state(name);
            }
            default -> throw new UsageException("unknown verb " + OperatorText.quoted(verb), MUTEX_USAGE);
        };
    }

    /** {@code shm:semaphore <verb> <name> ...}. */
    String semaphore(List<String> words) {
        String verb = verb(words, SEMAPHORE_USAGE);
        String name = name(words, SEMAPHORE_USAGE);
        List<String> rest = words.subList(2, words.size());
        if (verb.equals("wait")) {
            NamedSemaphore semaphore = heldNow(semaphores, name, "semaphore");
            return waited("semaphore", name, sliced(timeout(rest, SEMAPHORE_USAGE), semaphore::acquire));
        }
        synchronized (this) {
            return semaphoreLocked(verb, name, rest);
        }
    }

    private String semaphoreLocked(String verb, String name, List<String> rest) {
        return switch (verb) {
            case "create" -> {
                if (rest.size() != 2) {
                    throw new UsageException("create needs <initial> <maximum>", SEMAPHORE_USAGE);
                }
                long initial = number(rest.get(0), SEMAPHORE_USAGE);
                long maximum = number(rest.get(1), SEMAPHORE_USAGE);
                NamedSemaphore semaphore = service().createOrOpenSemaphore(name, initial, maximum);
                keep(semaphores, name, semaphore, NamedSemaphore::close);
                yield (semaphore.alreadyExisted() ? "opened existing semaphore " : "created semaphore ")
                        + OperatorText.quoted(name) + " (maximum " + semaphore.maximumCount() + ")";
            }
            case "open" -> {
                none(rest, SEMAPHORE_USAGE);
                NamedSemaphore semaphore = service().openSemaphore(name);
                keep(semaphores, name, semaphore, NamedSemaphore::close);
                yield "opened semaphore " + OperatorText.quoted(name);
            }
            case "release" -> {
                if (rest.size() > 1) {
                    throw new UsageException("too many arguments", SEMAPHORE_USAGE);
                }
                long count = rest.isEmpty() ? 1 : number(rest.get(0), SEMAPHORE_USAGE);
                long before = held(semaphores, name, "semaphore").release(count);
                yield "released semaphore " + OperatorText.quoted(name) + " by " + count + " (count was " + before
                        + ")";
            }
            case "state" -> {
                none(rest, SEMAPHORE_USAGE);
                yield state(name);
            }
            case "close" -> {
                none(rest, SEMAPHORE_USAGE);
                NamedSemaphore semaphore = semaphores.remove(name);
                yield closed(semaphore != null, name, "semaphore", semaphore == null ? () -> { } : semaphore::close);
            }
            default -> throw new UsageException("unknown verb " + OperatorText.quoted(verb), SEMAPHORE_USAGE);
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

    /** Closes every handle; answers how many there were. */
    synchronized int closeEverything() {
        int count = events.size() + mutexes.size() + semaphores.size();
        events.values().forEach(NamedEvent::close);
        mutexes.values().forEach(MutexHolder::close);
        semaphores.values().forEach(NamedSemaphore::close);
        events.clear();
        mutexes.clear();
        semaphores.clear();
        return count;
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
    static WaitResult sliced(long timeoutMillis, java.util.function.Function<Duration, WaitResult> wait) {
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

    private static <T> void keep(Map<String, T> held, String name, T handle, java.util.function.Consumer<T> close) {
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

    private static String verb(List<String> words, String usage) {
        if (words.isEmpty()) {
            throw new UsageException("missing arguments", usage);
        }
        return words.get(0);
    }

    private static String name(List<String> words, String usage) {
        if (words.size() < 2 || words.get(1) == null) {
            throw new UsageException("missing the object's name", usage);
        }
        for (String word : words) {
            if (word == null) {
                throw new UsageException("an argument is empty (an unset variable?)", usage);
            }
        }
        return words.get(1);
    }

    private static void none(List<String> rest, String usage) {
        if (!rest.isEmpty()) {
            throw new UsageException("too many arguments", usage);
        }
    }

    private static void flags(List<String> rest, String usage, String... allowed) {
        for (String word : rest) {
            if (!List.of(allowed).contains(word)) {
                throw new UsageException("unknown option " + OperatorText.quoted(word), usage);
            }
        }
    }

    private static long timeout(List<String> rest, String usage) {
        if (rest.size() > 1) {
            throw new UsageException("too many arguments", usage);
        }
        return rest.isEmpty() ? 0 : number(rest.get(0), usage);
    }

    private static long number(String text, String usage) {
        try {
            return ByteCounts.parseCount(text);
        } catch (IllegalArgumentException notANumber) {
            throw new UsageException(notANumber.getMessage(), usage);
        }
    }

    /**
     * One mutex handle and the one thread that makes every call on it. A close ends a wait that runs on that thread
     * (within a slice) before it closes the handle there, so that it never waits out the wait's timeout: a
     * {@code shm:mutex close} from another session, or the shell going away for an update, is not held up by a long
     * {@code shm:mutex wait}.
     */
    static final class MutexHolder {

        private final NamedMutex mutex;
        private final ExecutorService thread;
        private final AtomicReference<Future<?>> runningWait = new AtomicReference<>();

        private MutexHolder(NamedMutex mutex, ExecutorService thread) {
            this.mutex = mutex;
            this.thread = thread;
        }

        static MutexHolder start(String name, Supplier<NamedMutex> opener) {
            ExecutorService thread = Executors.newSingleThreadExecutor(
                    runnable -> new Thread(runnable, "shm:mutex " + OperatorText.printable(name)));
            try {
                NamedMutex mutex = thread.submit(opener::get).get();
                return new MutexHolder(mutex, thread);
            } catch (ExecutionException failed) {
                thread.shutdownNow();
                throw failed.getCause() instanceof RuntimeException runtime ? runtime
                        : new CommandFailure(CommandLineRun.oneLine(failed.getCause()), failed.getCause());
            } catch (InterruptedException interrupted) {
                thread.shutdownNow();
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted", interrupted);
            }
        }

        NamedMutex mutex() {
            return mutex;
        }

        boolean alreadyExisted() {
            return mutex.alreadyExisted();
        }

        /** Runs {@code work} on the mutex's thread and answers its result. */
        <T> T call(Callable<T> work) {
            return run(work, false);
        }

        /** Runs a wait on the mutex's thread, which {@link #close()} ends; answers its result. */
        <T> T await(Callable<T> wait) {
            return run(wait, true);
        }

        private <T> T run(Callable<T> work, boolean wait) {
            Future<T> future = thread.submit(work);
            if (wait) {
                runningWait.set(future);
            }
            try {
                return future.get();
            } catch (ExecutionException failed) {
                throw failed.getCause() instanceof RuntimeException runtime ? runtime
                        : new CommandFailure(CommandLineRun.oneLine(failed.getCause()), failed.getCause());
            } catch (CancellationException closed) {
                throw new CommandFailure("the mutex was closed while this command waited: the wait was given up",
                        closed);
            } catch (InterruptedException interrupted) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted: the wait was given up", interrupted);
            } finally {
                if (wait) {
                    runningWait.compareAndSet(future, null);
                }
            }
        }

        /** Ends a wait under way, then closes the handle on the mutex's thread (which releases what it owns). */
        void close() {
            Future<?> wait = runningWait.getAndSet(null);
            if (wait != null) {
                wait.cancel(true);
            }
            try {
                thread.submit(mutex::close).get();
            } catch (ExecutionException | InterruptedException | RuntimeException notClosed) {
                mutex.close();
            } finally {
                thread.shutdownNow();
            }
        }
    }
}
