package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.testkit.TmpfsDirectory;

/**
 * A writer that dies at any point leaves a store that the next participant makes consistent. Deterministically: a
 * simulated kill at every crash point of each operation, one run per point. For real: child JVMs that create and
 * close objects without pause, killed with SIGKILL at random moments.
 */
class CrashRecoveryTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;

    /** What a kill looks like to the dying thread: nothing after it runs, no cleanup touches the table. */
    private static final class SimulatedKill extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedKill(String where) {
            super("killed at " + where, null, false, false);
        }
    }

    @Test
    void aKillAtAnyPointOfCreateLeavesTheObjectWhollyThereOrWhollyGone() throws IOException {
        int points = killAtEveryPoint(victim -> { }, victim -> victim.createOrOpen(SHM, "obj", 10_000,
                MapOptions.DEFAULT), (survivor, killed) -> {
                    List<ObjectInfo> objects = survivor.list();
                    assertTrue(objects.isEmpty() || objects.getFirst().handleCount() == 1, objects::toString);
                });
        assertTrue(points > 20, "create has " + points + " crash points");
    }

    @Test
    void aKillAtAnyPointOfTheLastCloseLeavesTheObjectOpenOrDestroyed() throws IOException {
        BackendHandle[] handle = new BackendHandle[1];
        int points = killAtEveryPoint(victim -> handle[0] = victim.createOrOpen(SHM, "obj", 4096, MapOptions.DEFAULT),
                victim -> handle[0].close(), (survivor, killed) -> {
                    List<ObjectInfo> objects = survivor.list();
                    assertTrue(objects.isEmpty() || objects.getFirst().handleCount() == 1, objects::toString);
                });
        assertTrue(points > 5, "close has " + points + " crash points");
    }

    @Test
    void aKillAtAnyPointOfACreateFromASpareFileOrOfTheCloseThatMakesOneLeavesTheObjectWhollyThereOrWhollyGone()
            throws IOException {
        int createPoints = killAtEveryPoint(SPARES, victim -> victim.createOrOpen(SHM, "before", 10_000,
                MapOptions.DEFAULT).close(), victim -> victim.createOrOpen(SHM, "obj", 10_000, MapOptions.DEFAULT),
                (survivor, killed) -> {
                    List<ObjectInfo> objects = survivor.list();
                    assertTrue(objects.isEmpty() || objects.getFirst().handleCount() == 1, objects::toString);
                    assertTrue(survivor.lookup("before").isEmpty(), "the spare's old object stays ended");
                });
        assertTrue(createPoints > 20, "a create from a spare has " + createPoints + " crash points");
        BackendHandle[] handle = new BackendHandle[1];
        int closePoints = killAtEveryPoint(SPARES, victim -> handle[0] = victim.createOrOpen(SHM, "obj", 4096,
                MapOptions.DEFAULT), victim -> handle[0].close(), (survivor, killed) -> {
                    List<ObjectInfo> objects = survivor.list();
                    assertTrue(objects.isEmpty() || objects.getFirst().handleCount() == 1, objects::toString);
                });
        assertTrue(closePoints > 5, "a close making a spare has " + closePoints + " crash points");
    }

    @Test
    void aKillAtAnyPointOfAnOpenLeavesTheCountRight() throws IOException {
        int points = killAtEveryPoint(victim -> { }, victim -> victim.open(SHM, "held", MapOptions.DEFAULT),
                (survivor, killed) -> {
                    int handles = survivor.lookup("held").orElseThrow().handleCount();
                    assertTrue(handles == 1 || handles == 2, "handles: " + handles);
                });
        assertTrue(points > 3, "open has " + points + " crash points");
    }

    @Test
    void aKillAtAnyPointOfADeleteReleasingAHoldLeavesDescriptorAndHoldBothThereOrBothGone() throws IOException {
        Descriptor[] descriptor = new Descriptor[1];
        int points = killAtEveryPoint(victim -> {
            BackendHandle owned = victim.createOrOpen(SHM, "obj", 4096, MapOptions.DEFAULT);
            descriptor[0] = victim.descriptors("handles", 4, 4).create(owned.ref(), 0, 4096);
        }, victim -> victim.descriptors("handles", 4, 4).deleteReleasingHold(descriptor[0]),
                (survivor, killed) -> {
                    boolean slot = survivor.descriptors("handles", 4, 4).get(descriptor[0].index()).isPresent();
                    Optional<ObjectInfo> object = survivor.lookup("obj");
                    assertEquals(slot, object.isPresent(), "the descriptor and the hold go together: " + object);
                    object.ifPresent(info -> assertEquals(1, info.handleCount()));
                });
        assertTrue(points > 5, "a delete releasing a hold has " + points + " crash points");
    }

    private interface Check {
        void verify(MmapBackend survivor, boolean killed);
    }

    /**
     * For n = 1, 2, ... runs {@code operation} in a fresh store with a kill at its n-th crash point, until it runs
     * through; after each kill a second participant checks the store.
     *
     * @return how many crash points the operation has
     */
    private static int killAtEveryPoint(Consumer<MmapBackend> prepare, Consumer<MmapBackend> operation, Check check)
            throws IOException {
        return killAtEveryPoint(settings -> settings, prepare, operation, check);
    }

    /** The victim keeps spare files ({@link SpareFiles}). */
    private static final UnaryOperator<MmapSettings> SPARES = settings -> settings.withSpareFiles(4);

    /** As above, the victim's settings made by {@code victimSettings} from the survivor's. */
    private static int killAtEveryPoint(UnaryOperator<MmapSettings> victimSettings, Consumer<MmapBackend> prepare,
                                        Consumer<MmapBackend> operation, Check check) throws IOException {
        for (int n = 1; ; n++) {
            try (TmpfsDirectory tmpfs = new TmpfsDirectory()) {
                Path root = tmpfs.path().resolve("ns");
                MmapBackend survivor = new MmapBackend(MmapSettings.under(root));
                BackendHandle held = survivor.createOrOpen(SHM, "held", 4096, MapOptions.DEFAULT);
                MmapBackend victim = new MmapBackend(victimSettings.apply(MmapSettings.under(root)));
                prepare.accept(victim);
                int[] reached = {0};
                int killAt = n;
                victim.crashPoint(where -> {
                    if (++reached[0] == killAt) {
                        throw new SimulatedKill(where);
                    }
                });
                boolean killed;
                try {
                    operation.accept(victim);
                    killed = false;
                } catch (SimulatedKill kill) {
                    killed = true;
                }
                victim.crashPoint(where -> { });
                if (killed) {
                    victim.table().close(); // the kernel closes a dead process's descriptors; nothing else happens
                }
                assertEquals(List.of(), TableInvariants.violations(survivor), "after a kill at point " + n);
                check.verify(survivor, killed);
                held.close();
                if (!killed) {
                    victim.close();
                    survivor.close();
                    return n - 1;
                }
                survivor.close();
            }
        }
    }

    @Test
    void writersKilledAtRandomMomentsNeverLeaveTheStoreInconsistent() throws Exception {
        try (TmpfsDirectory tmpfs = new TmpfsDirectory();
             MmapBackend observer = new MmapBackend(MmapSettings.under(tmpfs.path().resolve("ns")))) {
            Path root = observer.settings().root();
            int rounds = 12;
            for (int round = 0; round < rounds; round++) {
                try (ChildJvm writer = ChildJvm.start(root)) {
                    writer.send("churn");
                    // A random moment inside the writer's loop; the point of the test is not to know which.
                    TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(50, 400));
                    writer.kill();
                }
                assertEquals(List.of(), TableInvariants.violations(observer), "after kill " + (round + 1));
                assertEquals(List.of(), observer.list(), "the dead writer's objects were reaped");
                observer.reapDeadProcesses();
                try (Stream<Path> files = Files.list(root)) {
                    assertEquals(List.of("table"), files.map(p -> p.getFileName().toString()).toList(),
                            "no object or temporary file outlives its killed writer");
                }
            }
        }
    }
}
