package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/** Lifetime across real processes: child JVMs use the provider as a plain library over the same root. */
class MultiProcessTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;
    private static final long PID = ProcessHandle.current().pid();

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend backend = store.backend();

    private ChildJvm child() {
        ChildJvm child = ChildJvm.start(root);
        store.track(child);
        return child;
    }

    @Test
    void objectsAreSharedAndCountedAcrossProcesses() {
        ChildJvm child = child();
        assertEquals("created", child.ok("create plant 4096"));
        child.ok("write plant 0 from-child");
        try (BackendHandle mine = backend.createOrOpen(SHM, "plant", 1, MapOptions.DEFAULT)) {
            assertTrue(mine.alreadyExisted());
            assertEquals(4096, mine.byteSize());
            assertEquals("from-child", mine.segment().getString(0));
            mine.segment().setString(100, "from-parent");
            assertEquals("DATA from-parent", child.send("read plant 100"));
            assertEquals(Set.of(new HolderInfo(child.pid(), 1), new HolderInfo(PID, 1)), holders("plant"));
            String childView = child.send("holders plant");
            assertTrue(childView.contains(new HolderInfo(PID, 1).toString())
                    && childView.contains(new HolderInfo(child.pid(), 1).toString()), childView);
            child.ok("close plant");
            assertEquals(Set.of(new HolderInfo(PID, 1)), holders("plant"), "the child's close left ours");
            assertEquals(List.of("n.plant"), TmpfsDirectory.objectFiles(root));
        }
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root), "the last close anywhere destroyed it");
        assertEquals("HOLDERS none", child.send("holders plant"));
        child.exit();
        assertEquals(List.of(PID), backend.participants(), "the child left the table");
    }

    @Test
    void aKilledHolderIsReapedByTheNextOperationOfAnyParticipant() {
        ChildJvm child = child();
        child.ok("create held 8192");
        child.ok("open held");
        child.ok("create other 4096");
        assertEquals(2, backend.lookup("held").orElseThrow().handleCount(), "one hold per handle");
        assertEquals("HOLDERS " + List.of(new HolderInfo(child.pid(), 2)), child.send("holders held"),
                "the child reads the same count");
        child.kill();
        assertEquals(2, backend.list().size(), "listing never destroys: the dead child's objects are still listed");
        assertEquals(List.of(child.pid()), backend.deadProcesses(), "and their holder is reported dead");
        assertEquals(2, TmpfsDirectory.objectFiles(root).size());
        assertTrue(backend.lookup("held").isEmpty(), "any other operation reaped the dead child");
        assertEquals(List.of(), backend.list());
        assertEquals(List.of(), backend.deadProcesses());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertEquals(List.of(PID), backend.participants());
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void aKilledProcessHoldingManyObjectsIsReapedCompletely() {
        ChildJvm child = child();
        child.ok("many obj 600");
        assertEquals(600, backend.list().size());
        child.kill();
        assertEquals(List.of(child.pid()), backend.reapDeadProcesses());
        assertEquals(List.of(), backend.list());
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        assertEquals(List.of(), TableInvariants.violations(backend));
    }

    @Test
    void theOperatorsReaperNamesTheDeadProcessAndKeepsTheLivingOnesHandles() {
        ChildJvm dead = child();
        ChildJvm alive = child();
        dead.ok("create shared 4096");
        alive.ok("open shared");
        dead.ok("create only-dead 4096");
        dead.kill();
        assertEquals(List.of("only-dead", "shared"), backend.list().stream().map(ObjectInfo::name).toList());
        shm.api.spi.ReapReport report = backend.reap();
        assertEquals(List.of(dead.pid()), report.processes());
        assertEquals(List.of("only-dead"), report.destroyed(), "the reaper names what it destroyed");
        assertEquals(0, report.unnamedDestroyed());
        assertTrue(report.namesKnown());
        assertEquals(List.of(), backend.reapDeadProcesses(), "nothing is left to reap");
        assertEquals(Set.of(new HolderInfo(alive.pid(), 1)), holders("shared"));
        assertTrue(backend.lookup("only-dead").isEmpty());
        assertEquals(List.of("n.shared"), TmpfsDirectory.objectFiles(root));
        alive.exit();
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void racingCreatorsInSeveralProcessesCreateExactlyOnceAndSeeTheSameBytes() throws IOException {
        int racers = 4;
        Path start = store.directory().resolve("go");
        List<ChildJvm> racing = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            ChildJvm child = child();
            racing.add(child);
        }
        List<Thread> senders = new ArrayList<>();
        List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        for (ChildJvm child : racing) {
            Thread t = new Thread(() -> answers.add(child.pid() + " " + child.send("race contested " + start)));
            t.start();
            senders.add(t);
        }
        Files.createFile(start);
        for (Thread t : senders) {
            try {
                t.join(ChildJvm.ANSWER_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<String> creators = answers.stream().filter(a -> a.endsWith("OK created")).toList();
        assertEquals(racers, answers.size(), answers.toString());
        assertEquals(1, creators.size(), answers.toString());
        String creator = creators.getFirst().split(" ")[0];
        Set<String> seen = new HashSet<>();
        for (ChildJvm child : racing) {
            seen.add(child.send("read contested 0"));
        }
        assertEquals(Set.of("DATA creator=" + creator), seen);
        assertEquals(racers, backend.lookup("contested").orElseThrow().handleCount());
        racing.forEach(ChildJvm::exit);
        assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
    }

    @Test
    void filesAndDirectoriesArePrivateWhateverTheUmaskOfTheCreator() throws IOException {
        Path fresh = store.directory().resolve("umask0");
        ChildJvm child = ChildJvm.start(fresh, "umask 000;");
        store.track(child);
        child.ok("create loose 4096");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve("n.loose"))));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve("table"))));
        child.exit();
        assertFalse(Files.exists(fresh.resolve("table")), "the last participant removed the unused table");
    }

    private Set<HolderInfo> holders(String name) {
        return new HashSet<>(backend.lookup(name).map(ObjectInfo::holders).orElseThrow());
    }
}
