package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static shm.provider.mmap.TableLayout.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.MapOptions;
import shm.api.NamedMutex;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.StoreReport;
import shm.testkit.StoreFixture;

/**
 * The table fuzzed with random bit flips (issue 12, break 2), a bounded run with a fixed seed: whatever is flipped,
 * every call of a second participant either works or fails with a {@link ShmException}, never a raw runtime exception
 * or error; no file outside the root is touched; and the store check with repair leaves a store that works. Trial
 * {@code n} flips with {@code new SplittableRandom(SEED + n)}, so {@code -Dshm.fuzz.trial=n} replays it alone.
 */
class TableFuzzTest {

    /** The seed; a failure names the trial, so it can be replayed. */
    static final long SEED = 0x5EED_0012L;
    /** Trials run at most, and the time they may take together (the run stops early on a slow machine). */
    static final int TRIALS = 400;
    static final Duration BUDGET = Duration.ofSeconds(60);

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private Path sentinel;

    @BeforeEach
    void setUp() throws IOException {
        sentinel = Files.writeString(Files.createDirectories(store.directory()).resolve("sentinel"), "outside every root");
    }

    @Test
    void randomFlipsGiveOnlyShmExceptionsTouchNothingOutsideAndAreRepaired() throws IOException {
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int only = Integer.getInteger("shm.fuzz.trial", -1);
        int trials = only < 0 ? 0 : only;
        int ran = 0;
        long flips = 0;
        for (; trials < (only < 0 ? TRIALS : only + 1) && System.nanoTime() < deadline; trials++, ran++) {
            SplittableRandom random = new SplittableRandom(SEED + trials);   // replays alone: -Dshm.fuzz.trial=N
            Path root = store.directory().resolve("trial-" + trials);
            try (MmapBackend owner = new MmapBackend(MmapSettings.under(root))) {
                List<AutoCloseable> held = populate(owner);
                int bits = 1 + random.nextInt(16);
                flips += bits;
                try (TableEditor editor = new TableEditor(root)) {
                    List<long[]> regions = regions(editor);
                    for (int b = 0; b < bits; b++) {
                        long[] region = regions.get(random.nextInt(regions.size()));
                        long offset = region[0] + (long) (random.nextDouble() * region[1]);
                        editor.putByte(offset, (byte) (editor.readByte(offset) ^ (1 << random.nextInt(8))));
                    }
                }
                String outcome = exercise(root, trials);
                outcomes.merge(outcome, 1, Integer::sum);
                for (AutoCloseable h : held) {
                    closeQuietly(h, trials);
                }
            } catch (ShmException closeFailed) {
                outcomes.merge("owner close: " + closeFailed.reason(), 1, Integer::sum);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("trial " + trials + " (seed " + SEED + "): raw " + e, e);
            }
            assertEquals("outside every root", Files.readString(sentinel), "trial " + trials);
            StoreReport report = StoreRepair.check(MmapSettings.under(root), true);
            if (only >= 0) {
                System.out.println("trial " + trials + " repair: " + report);
            }
            try (MmapBackend after = new MmapBackend(MmapSettings.under(root));
                 BackendHandle h = after.createOrOpen(ObjectType.SHARED_MEMORY, "after-repair", 16,
                         MapOptions.DEFAULT);
                 BackendHandle again = after.open(ObjectType.SHARED_MEMORY, "after-repair", MapOptions.DEFAULT)) {
                assertEquals(16, again.byteSize());
            } catch (RuntimeException e) {
                throw new AssertionError("trial " + trials + " (seed " + SEED + "): the store is not usable after"
                        + " the repair " + report + ": " + e, e);
            }
            StoreReport second = StoreRepair.check(MmapSettings.under(root), false);
            assertTrue(second.findings().stream().allMatch(f -> f.contains("no live object of the table lists it")),
                    "trial " + trials + ": a repaired store checks clean but for kept files: " + second);
        }
        System.out.printf("table fuzz: seed %#x, %d trials, %d bit flips, outcomes %s%n", SEED, ran, flips,
                outcomes);
        assertTrue(ran >= 50 || only >= 0, "at least 50 trials ran within the budget, ran " + ran);
    }

    /** Objects of every kind, a dead holder, a pool, a descriptor and a directory entry. */
    private static List<AutoCloseable> populate(MmapBackend owner) {
        List<AutoCloseable> held = new ArrayList<>();
        owner.setPoolLimit("pool", 1 << 20);
        held.add(owner.createOrOpen(ObjectType.SHARED_MEMORY, "a", 4096, MapOptions.DEFAULT, "pool"));
        held.add(owner.createOrOpen(ObjectType.SHARED_MEMORY, "b", 100, MapOptions.DEFAULT));
        held.add(owner.createOrOpenEvent("ev", true, false));
        NamedMutex mutex = owner.createOrOpenMutex("mx", false);
        held.add(mutex);
        held.add(owner.createOrOpenSemaphore("sem", 1, 3));
        BackendHandle h = (BackendHandle) held.get(0);
        owner.descriptors("desc", 16, 4).create(h.ref(), 0, 64, 0);
        owner.directory().bind("scope", "name", 42);
        return held;
    }

    /** Where a flip can matter: the header, the pools and descriptor tables, the journal, the first slots. */
    private static List<long[]> regions(TableEditor editor) {
        long objects = editor.word(OBJECT_OFFSET_OFFSET);
        long capacity = editor.word(OBJECT_CAPACITY_OFFSET);
        List<long[]> regions = new ArrayList<>();
        regions.add(new long[] {0, HEADER_WORDS_END});
        regions.add(new long[] {POOLS_OFFSET, MAX_POOLS * POOL_SIZE});
        regions.add(new long[] {DESCRIPTOR_TABLES_OFFSET, MAX_DESCRIPTOR_TABLES * DESCRIPTOR_TABLE_SIZE});
        regions.add(new long[] {editor.word(JOURNAL_OFFSET_OFFSET), 4 * JOURNAL_ENTRY_SIZE});
        regions.add(new long[] {editor.word(PROCESS_OFFSET_OFFSET), 4 * PROCESS_SLOT_SIZE});
        regions.add(new long[] {editor.word(DESCRIPTOR_OFFSET_OFFSET), 4 * DESCRIPTOR_SLOT_SIZE});
        regions.add(new long[] {editor.word(DIRECTORY_OFFSET_OFFSET), 2 * DIRECTORY_ENTRY_SIZE});
        for (int slot = 0; slot < capacity; slot++) {
            long state = editor.word(objects + slot * OBJECT_SLOT_SIZE);
            if (state != EMPTY) {
                regions.add(new long[] {objects + slot * OBJECT_SLOT_SIZE, OBJECT_SLOT_SIZE});
            }
        }
        return regions;
    }

    /** A second participant's calls on the flipped store: each works or fails with a ShmException. */
    private static String exercise(Path root, int trial) {
        List<String> failures = new ArrayList<>();
        MmapBackend second;
        try {
            second = new MmapBackend(MmapSettings.under(root));
        } catch (ShmException e) {
            return "refused at start: " + e.reason();
        }
        try (MmapBackend b = second) {
            call(failures, trial, b::list);
            call(failures, trial, () -> b.lookup("a"));
            call(failures, trial, () -> b.open(ObjectType.SHARED_MEMORY, "b", MapOptions.DEFAULT).close());
            call(failures, trial, () -> b.createOrOpen(ObjectType.SHARED_MEMORY, "c", 64, MapOptions.DEFAULT).close());
            call(failures, trial, () -> b.openEvent("ev").close());
            call(failures, trial, () -> b.openMutex("mx").close());
            call(failures, trial, () -> b.poolUsage("pool"));
            call(failures, trial, () -> b.descriptors("desc", 16, 4).get(0));
            call(failures, trial, () -> b.directory().lookup("scope", "name"));
            call(failures, trial, b::reapDeadProcesses);
        } catch (ShmException closeFailed) {
            failures.add("close");
        }
        return failures.isEmpty() ? "all calls worked" : "some calls refused";
    }

    private static void call(List<String> failures, int trial, ThrowingRunnable call) {
        try {
            call.run();
        } catch (ShmException expected) {
            failures.add(expected.reason().toString());
        } catch (Exception | Error e) {
            fail("trial " + trial + " (seed " + SEED + "): raw " + e, e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable, int trial) {
        try {
            closeable.close();
        } catch (ShmException expected) {
            // a close may report what it found; it must not throw anything else
        } catch (Exception | Error e) {
            fail("trial " + trial + " (seed " + SEED + "): raw exception from close: " + e, e);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
