package shm.provider.mmap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The process's cap on mappings: the kernel refuses a process more than {@code vm.max_map_count} mappings (65530 by
 * default), and a JVM that cannot map its own memory (a thread stack, heap or code cache growth) dies with an
 * {@code hs_err} file instead of throwing. So a mapping is refused with {@link ErrorReason#LIMIT} once the process has
 * {@code vm.max_map_count - headroom} mappings, whoever made them (this backend, another instance, the JVM itself).
 *
 * <p>The kernel's figure is read at start and again at every count, so a raised {@code vm.max_map_count} is used
 * without a restart. The process's mappings are counted from {@code /proc/self/maps} (which costs about a microsecond
 * per mapping of the process), not at every mapping: after a count that left room {@code R} below the cap, the
 * mapper's own next {@code max(1, R / 4)} mappings are let through without one. So the mapper alone never passes the
 * cap, up to four mappers of the process (backend instances, say during a swap) mapping at once never do either, and
 * the counts are few: about 7 on the way from none to 200,000 mappings of a 254,000 cap, and a few dozen in the last
 * stretch before the cap. The JVM's own new mappings meanwhile are what the headroom is for.
 * Thread-safe.
 */
final class MapCountCap {

    /** The kernel's limit of mappings per process. */
    static final Path MAX_MAP_COUNT = Path.of("/proc/sys/vm/max_map_count");
    /** The kernel's default of {@code vm.max_map_count}, assumed when it cannot be read. */
    static final int KERNEL_DEFAULT = 65_530;

    private final IntSupplier kernelLimit;
    private final int headroom;
    private final IntSupplier processMappings;
    /** The kernel's limit at the last count. Guarded by {@code this}. */
    private int maxMapCount;
    /** The own-mapping count at or beyond which the process's mappings are counted again. */
    private volatile int nextCount;

    /**
     * @param kernelLimit     reads the kernel's {@code vm.max_map_count}
     * @param headroom        mappings left to the JVM
     * @param processMappings counts the process's mappings now
     */
    MapCountCap(IntSupplier kernelLimit, int headroom, IntSupplier processMappings) {
        this.kernelLimit = kernelLimit;
        this.headroom = headroom;
        this.processMappings = processMappings;
        this.maxMapCount = kernelLimit.getAsInt();
    }

    /** The cap of this process: {@code vm.max_map_count}, read now and at every count, minus the headroom. */
    static MapCountCap of(MmapSettings settings) {
        return new MapCountCap(MapCountCap::readMaxMapCount, settings.mapCountHeadroom(),
                MapCountCap::countProcessMappings);
    }

    /** The most mappings the process may have now; one more is refused. */
    synchronized int cap() {
        return Math.max(0, maxMapCount - headroom);
    }

    /**
     * Admits one more mapping of the mapper, or refuses it.
     *
     * @param ownMappings the mapper's mappings, the one asked for included
     * @param name        the object's name for the error, {@code null} for the store itself
     * @param root        the store, for the message
     * @throws ShmException LIMIT when the process has {@link #cap()} mappings
     */
    void admit(int ownMappings, String name, Path root) {
        if (ownMappings < nextCount) {
            return;
        }
        synchronized (this) {
            maxMapCount = kernelLimit.getAsInt();   // an operator may have raised it meanwhile
            int cap = cap();
            int process = processMappings.getAsInt();
            if (process >= cap) {
                nextCount = 0;   // count again at the next mapping: handles may have closed meanwhile
                throw new ShmException(ErrorReason.LIMIT, name, "this process has " + process + " memory mappings,"
                        + " its cap of " + cap + " (vm.max_map_count " + maxMapCount + " minus mapCountHeadroom "
                        + headroom + " left to the JVM), so no more handles of " + root + " can be mapped; close"
                        + " handles, or raise vm.max_map_count (as root: sysctl -w vm.max_map_count=262144)");
            }
            nextCount = ownMappings + Math.max(1, (cap - process) / 4);
        }
    }

    /** {@code vm.max_map_count}, or {@link #KERNEL_DEFAULT} when it cannot be read. */
    static int readMaxMapCount() {
        try {
            // read as lines: Files.readString gets only the first byte of this zero-sized proc file on JDK 25
            String line = Files.readAllLines(MAX_MAP_COUNT, StandardCharsets.US_ASCII).getFirst();
            long value = Long.parseLong(line.strip());
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, value));
        } catch (IOException | RuntimeException e) {
            return KERNEL_DEFAULT;
        }
    }

    /** The lines of {@code /proc/self/maps}: the process's mappings now; 0 when it cannot be read. */
    static int countProcessMappings() {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/maps"))) {
            byte[] buffer = new byte[1 << 16];
            int lines = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            return 0;   // cannot tell: the kernel's own refusal (ENOMEM) remains
        }
    }
}
