package shm.runtime.launch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Links, on a daemon thread of its own while the framework starts on the main thread, the C call shapes the mmap
 * provider needs to open a store: {@code long syscall(long number, ...)} with six 64-bit arguments, variadic from the
 * second, {@code errno} captured (the provider's {@code Futex.SYSCALL_SHAPE} with {@code CallState.captureErrno()}),
 * through which it makes every system call, and {@code int posix_fallocate(int, long, long)}, with which it sizes a
 * new table; and makes one harmless call through each ({@code getpid}; {@code posix_fallocate} of descriptor -1,
 * which fails with {@code EBADF}).
 *
 * <p>Why: the first downcall a JVM links loads the FFM API's machinery (a few hundred JDK classes, the class-file API
 * that generates the call's stub) and spins the stub: 0.15 to 0.3 s of one thread in a fresh JVM on this project's
 * machines, which the provider, starting at start level 2 after every infrastructure bundle, would otherwise pay on
 * the framework's start-level thread before the first command can answer. The JDK keeps what it generated for a shape
 * for the whole JVM (its linker caches a linked shape by descriptor and options, whatever the symbol), so the
 * provider's own link, a second later and in its bundle's class loader, finds that work done; on a machine with a
 * core to spare the warm-up costs the start nothing.
 *
 * <p>Best effort: any failure (native access not granted to the class path, no {@code syscall} in the C library, an
 * architecture whose {@code getpid} number is not known here) ends the thread quietly, and the provider links the
 * shape itself as it would without the warm-up. It writes nothing, prints nothing, and holds nothing once done.
 *
 * <p>Compiled for Java 25 apart from {@link RuntimeHome} (Java 11), which loads it by name once it knows the Java is
 * new enough.
 */
final class LinkerWarmUp implements Runnable {

    /** The thread's name, as a thread dump shows it. */
    static final String THREAD_NAME = "shm-linker-warm-up";

    /** How long the warm-up waits for the JVM to grant the class path native access. */
    static final long NATIVE_ACCESS_PATIENCE_MILLIS = 2_000;
    private static final long SYS_GETPID_X86_64 = 39;
    private static final long SYS_GETPID_AARCH64 = 172;

    /** A warm-up to {@link #run()} on the caller's thread (the tests do); {@link #start()} runs one on its own. */
    LinkerWarmUp() {
    }

    /** Starts the warm-up on a daemon thread and returns at once. */
    static void start() {
        Thread thread = new Thread(new LinkerWarmUp(), THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until the class path may call native code: the JVM grants it from the jar's {@code Enable-Native-Access}
     * only after the launcher agent returned (a millisecond later on this machine). False when that did not happen
     * within {@link #NATIVE_ACCESS_PATIENCE_MILLIS} (a launch without the grant): a restricted call would then make the
     * JVM print a warning, so the warm-up does nothing.
     */
    private static boolean awaitNativeAccess() throws InterruptedException {
        Module module = LinkerWarmUp.class.getModule();
        long deadline = System.nanoTime() + NATIVE_ACCESS_PATIENCE_MILLIS * 1_000_000L;
        while (!module.isNativeAccessEnabled()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    @Override
    public void run() {
        try {
            if (!awaitNativeAccess()) {
                return;
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Optional<MemorySegment> symbol = libc.find("syscall");
            if (symbol.isEmpty()) {
                return;
            }
            FunctionDescriptor shape = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
            MethodHandle syscall = linker.downcallHandle(symbol.get(), shape,
                    Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
            Optional<MemorySegment> fallocate = libc.find("posix_fallocate");
            if (fallocate.isPresent()) {
                MethodHandle sized = linker.downcallHandle(fallocate.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
                // fd -1: EBADF, nothing touched.
                int ignored = (int) sized.invokeExact(-1, 0L, 1L);
            }
            long getpid = getpidNumber(System.getProperty("os.arch", ""));
            if (getpid < 0) {
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
                long pid = (long) syscall.invokeExact(callState, getpid, 0L, 0L, 0L, 0L, 0L, 0L);
            }
        } catch (Throwable ignored) {
            // Best effort only: the provider links the shape itself.
        }
    }

    /** The number of {@code getpid} on this architecture, or -1 when not known here. */
    static long getpidNumber(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> SYS_GETPID_X86_64;
            case "aarch64" -> SYS_GETPID_AARCH64;
            default -> -1;
        };
    }
}
