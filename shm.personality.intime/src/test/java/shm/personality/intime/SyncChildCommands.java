package shm.personality.intime;

import static shm.api.intime.IntimeConstants.WAIT_OBJECT_0;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import shm.api.intime.Iwin32Result;

/**
 * The iwin32 event, mutex and semaphore commands of {@link IntimeChildMain}, one answer line each (handle values and
 * codes in decimal):
 * <ul>
 *   <li>{@code event NAME}: RtCreateEvent (auto reset, not signaled): {@code EVENT handle error}</li>
 *   <li>{@code setv H}, {@code waitv H MS}, {@code closev H}: RtSetEvent, WaitForSingleObject, CloseHandle of a
 *       handle value, maybe another process's: {@code SET ok error}, {@code WAITED code elapsed-ms error},
 *       {@code CLOSED ok error}</li>
 *   <li>{@code own NAME}: RtCreateMutex owned by the child's main thread: {@code OWNED handle error};
 *       {@code acquire NAME MS}: RtOpenMutex and a wait: {@code WAITED code elapsed-ms error}</li>
 *   <li>{@code take NAME MS}: RtOpenSemaphore and a wait (the handle is kept): {@code TOOK code};
 *       {@code give}: RtReleaseSemaphore of it by 1: {@code GAVE previous error}</li>
 *   <li>{@code echo PING PONG N}: answers {@code ECHOING}, then N times waits for event PING and sets event PONG:
 *       {@code ECHOED rounds}</li>
 *   <li>{@code count MUTEX MEMORY N}: N times, under the mutex, reads the int at offset 0 of the shared memory, spins,
 *       and writes it back plus one (a lost update without the mutex): {@code COUNTED rounds}</li>
 *   <li>{@code bounded SEMAPHORE MEMORY N}: N times, holding a unit of the semaphore, counts itself in at offset 4,
 *       raises the maximum seen at offset 8, spins, counts itself out and adds one at offset 12:
 *       {@code BOUNDED rounds}</li>
 * </ul>
 */
final class SyncChildCommands {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int SPINS = 200;

    private final IntimePersonality intime;
    private long semaphore;

    SyncChildCommands(IntimePersonality intime) {
        this.intime = intime;
    }

    /** The answer to a command, or {@code null} when it is not one of these. */
    String answer(String[] c) {
        return switch (c[0]) {
            case "event" -> {
                Iwin32Result event = intime.RtCreateEvent(false, false, c[1]);
                yield "EVENT " + event.handle() + " " + event.errorCode();
            }
            case "setv" -> "SET " + intime.RtSetEvent(Long.parseLong(c[1])) + " " + intime.GetLastError();
            case "waitv" -> timedWait(Long.parseLong(c[1]), Integer.parseInt(c[2]));
            case "closev" -> "CLOSED " + intime.CloseHandle(Long.parseLong(c[1])) + " " + intime.GetLastError();
            case "own" -> {
                Iwin32Result mutex = intime.RtCreateMutex(true, c[1]);
                yield "OWNED " + mutex.handle() + " " + mutex.errorCode();
            }
            case "acquire" -> timedWait(intime.RtOpenMutex(0, false, c[1]).handle(), Integer.parseInt(c[2]));
            case "take" -> {
                semaphore = intime.RtOpenSemaphore(0, false, c[1]).handle();
                yield "TOOK " + intime.WaitForSingleObject(semaphore, Integer.parseInt(c[2]));
            }
            case "give" -> "GAVE " + intime.RtReleaseSemaphore(semaphore, 1) + " " + intime.GetLastError();
            case "echo" -> echo(c[1], c[2], Integer.parseInt(c[3]));
            case "count" -> count(c[1], c[2], Integer.parseInt(c[3]));
            case "bounded" -> bounded(c[1], c[2], Integer.parseInt(c[3]));
            default -> null;
        };
    }

    private String timedWait(long handle, int milliseconds) {
        long start = System.nanoTime();
        int code = intime.WaitForSingleObject(handle, milliseconds);
        return "WAITED " + code + " " + (System.nanoTime() - start) / 1_000_000 + " " + intime.GetLastError();
    }

    private String echo(String ping, String pong, int rounds) {
        long in = intime.RtOpenEvent(0, false, ping).handle();
        long out = intime.RtOpenEvent(0, false, pong).handle();
        System.out.println("ECHOING");
        int done = 0;
        while (done < rounds && intime.WaitForSingleObject(in, 30_000) == WAIT_OBJECT_0 && intime.RtSetEvent(out)) {
            done++;
        }
        intime.CloseHandle(in);
        intime.CloseHandle(out);
        return "ECHOED " + done;
    }

    private String count(String mutexName, String memoryName, int rounds) {
        long mutex = intime.RtOpenMutex(0, false, mutexName).handle();
        Iwin32Result memory = intime.RtOpenSharedMemory(0, false, memoryName);
        MemorySegment counter = memory.location();
        int done = 0;
        while (done < rounds && intime.WaitForSingleObject(mutex, 30_000) == WAIT_OBJECT_0) {
            int value = counter.get(ValueLayout.JAVA_INT, 0);
            spin();
            counter.set(ValueLayout.JAVA_INT, 0, value + 1);
            if (!intime.RtReleaseMutex(mutex)) {
                break;
            }
            done++;
        }
        intime.CloseHandle(mutex);
        intime.CloseHandle(memory.handle());
        return "COUNTED " + done;
    }

    private String bounded(String semaphoreName, String memoryName, int rounds) {
        long units = intime.RtOpenSemaphore(0, false, semaphoreName).handle();
        Iwin32Result memory = intime.RtOpenSharedMemory(0, false, memoryName);
        MemorySegment gauge = memory.location();
        int done = 0;
        while (done < rounds && intime.WaitForSingleObject(units, 30_000) == WAIT_OBJECT_0) {
            int inside = (int) INT.getAndAdd(gauge, 4L, 1) + 1;
            int seen = (int) INT.getVolatile(gauge, 8L);
            while (inside > seen && !INT.compareAndSet(gauge, 8L, seen, inside)) {
                seen = (int) INT.getVolatile(gauge, 8L);
            }
            spin();
            INT.getAndAdd(gauge, 4L, -1);
            INT.getAndAdd(gauge, 12L, 1);
            if (intime.RtReleaseSemaphore(units, 1) < 0) {
                break;
            }
            done++;
        }
        intime.CloseHandle(units);
        intime.CloseHandle(memory.handle());
        return "BOUNDED " + done;
    }

    /** A short stretch of work inside the critical section, so that processes overlap there. */
    private static void spin() {
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
        }
    }
}
