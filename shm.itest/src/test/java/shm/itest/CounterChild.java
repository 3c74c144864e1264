package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * A child JVM over the mmap library (no framework) that holds one object and writes an increasing counter into its
 * first 8 bytes, one increment about every 100 µs, while the framework in the parent swaps bundles.
 *
 * <p>Arguments: root, object name, size. Prints {@code READY}; then answers {@code stop} with {@code LAST <n>} (the
 * last value written, after which it writes no more) and {@code reap} with {@code REAPED <pids>} (it runs the store's
 * reaper, releasing expired parked holds); {@code exit} closes its handle and ends.
 */
public final class CounterChild {

    private CounterChild() {
    }

    /** Runs the child; see the class documentation. */
    public static void main(String[] args) throws Exception {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(Path.of(args[0])));
             BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, args[1], Long.parseLong(args[2]),
                     MapOptions.DEFAULT)) {
            MemorySegment counter = handle.segment();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong last = new AtomicLong(counter.get(JAVA_LONG, 0));
            Thread writer = new Thread(() -> {
                while (running.get()) {
                    long next = last.get() + 1;
                    counter.set(JAVA_LONG, 0, next);
                    last.set(next);
                    LockSupport.parkNanos(100_000);
                }
            }, "counter");
            writer.start();
            System.out.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.strip()) {
                    case "stop" -> {
                        running.set(false);
                        writer.join();
                        System.out.println("LAST " + last.get());
                    }
                    case "reap" -> System.out.println("REAPED " + backend.reapDeadProcesses());
                    case "exit" -> {
                        running.set(false);
                        writer.join();
                        return;
                    }
                    default -> System.out.println("UNKNOWN " + line);
                }
            }
        }
    }
}
