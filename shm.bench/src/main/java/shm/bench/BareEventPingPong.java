package shm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The bare-Java reference of the named-event round trip: {@code shm.bench/reference/eventpp.c} line for line in Java,
 * two JVMs, the same two auto-reset event blocks in one shared file, the same 20 µs spin that reads the clock at every
 * look (no {@code Thread.onSpinWait()}, as the C program), {@code FUTEX_WAIT} / {@code FUTEX_WAKE} through the FFM
 * API, and none of the platform: no store, no handle, no checks. What it adds to C is what the JVM adds (the downcall,
 * the JIT, the JVM's own threads); what the platform adds beyond it is the platform's.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... shm.bench.BareEventPingPong ping FILE N WARM   (starts its ponger)
 * </pre>
 * Prints {@code RESULT java.event.pingpong.spin20000 p50=.. p99=.. p99.9=.. max=.. unit=ns n=N}.
 */
public final class BareEventPingPong {

    private static final long SIZE = 4096;
    private static final long PING = 0;
    private static final long PONG = 64;
    private static final long STOP = 128;
    private static final long STATE = 16;
    private static final long GRANT = 1L << 1;
    private static final long WAITER = 1L << 32;
    private static final long SPIN_NANOS = 20_000;
    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;
    /** {@code SYS_futex} on x86-64 (the reference programs are x86-64 too). */
    private static final long SYS_FUTEX = 202;
    private static final VarHandle LONGS = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INTS = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment base;
    private final MethodHandle syscall;
    private final MemorySegment callState = Arena.global().allocate(Linker.Option.captureStateLayout());

    private BareEventPingPong(MemorySegment base) {
        this.base = base;
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(l, l, l, l, l, l, l, l), Linker.Option.captureCallState("errno"),
                Linker.Option.firstVariadicArg(1));
    }

    /** {@code ping FILE N WARM} or {@code pong FILE}. */
    public static void main(String[] args) throws Throwable {
        Path file = Path.of(args[1]);
        boolean pinger = args[0].equals("ping");
        if (pinger) {
            Files.deleteIfExists(file);
        }
        try (Arena arena = Arena.ofShared();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                     StandardOpenOption.WRITE)) {
            if (pinger) {
                channel.truncate(0);
                channel.write(java.nio.ByteBuffer.allocate((int) SIZE));   // zero: two auto-reset events, not signaled
            }
            BareEventPingPong pp = new BareEventPingPong(channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena));
            if (pinger) {
                pp.ping(file, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            } else {
                pp.pong();
            }
        } finally {
            if (pinger) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void ping(Path file, int n, int warm) throws Throwable {
        Process ponger = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                BareEventPingPong.class.getName(), "pong", file.toString()).inheritIO().start();
        long[] samples = new long[n];
        for (int i = -warm; i < n; i++) {
            long start = System.nanoTime();
            set(PING);
            await(PONG);
            if (i >= 0) {
                samples[i] = System.nanoTime() - start;
            }
        }
        INTS.setRelease(base, STOP, 1);
        set(PING);
        ponger.waitFor();
        Arrays.sort(samples);
        System.out.printf(Locale.ROOT, "RESULT java.event.pingpong.spin%d p50=%d p99=%d p99.9=%d max=%d unit=ns n=%d%n",
                SPIN_NANOS, samples[n / 2], samples[(int) (n * 0.99)], samples[(int) (n * 0.999)], samples[n - 1], n);
    }

    private void pong() throws Throwable {
        while (true) {
            await(PING);
            if ((int) INTS.getAcquire(base, STOP) != 0) {
                return;
            }
            set(PONG);
        }
    }

    private long state(long event) {
        return (long) LONGS.getAcquire(base, event + STATE);
    }

    private boolean cas(long event, long expected, long value) {
        return LONGS.compareAndSet(base, event + STATE, expected, value);
    }

    /** eventpp.c's {@code ev_wait}: auto reset, no timeout. */
    private void await(long event) throws Throwable {
        while (true) {
            long s = state(event);
            if ((s & 1) != 0) {
                if (cas(event, s, s & ~1L)) {
                    return;
                }
            } else if (((int) s >>> 1) > 0) {
                if (cas(event, s, s - GRANT)) {
                    return;
                }
            } else if (cas(event, s, s + WAITER)) {
                break;
            }
        }
        while (true) {
            long s = state(event);
            if (((int) s >>> 1) > 0) {
                if (cas(event, s, s - WAITER - GRANT)) {
                    return;
                }
                continue;
            }
            futexWait(event, (int) s);
        }
    }

    /** eventpp.c's {@code ev_set}. */
    private void set(long event) throws Throwable {
        while (true) {
            long s = state(event);
            if ((s >>> 32) > ((int) s >>> 1)) {
                if (cas(event, s, s + GRANT)) {
                    long ignored = (long) syscall.invokeExact(callState, SYS_FUTEX, base.address() + event + STATE,
                            FUTEX_WAKE, 1L, 0L, 0L, 0L);
                    return;
                }
            } else if ((s & 1) != 0 || cas(event, s, s | 1)) {
                return;
            }
        }
    }

    /** eventpp.c's {@code futex_wait}: spins 20 µs reading the clock at every look, then sleeps. */
    private void futexWait(long event, int expected) throws Throwable {
        long until = System.nanoTime() + SPIN_NANOS;
        do {
            if ((int) (long) LONGS.getAcquire(base, event + STATE) != expected) {
                return;
            }
        } while (System.nanoTime() - until < 0);
        long ignored = (long) syscall.invokeExact(callState, SYS_FUTEX, base.address() + event + STATE, FUTEX_WAIT,
                Integer.toUnsignedLong(expected), 0L, 0L, 0L);
    }
}
