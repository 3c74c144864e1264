package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.testkit.Reasons.assertReason;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;
import shm.api.spi.PoolUsage;
import shm.testkit.Await;
import shm.testkit.OtherThread;
import shm.testkit.StoreFixture;
import shm.testkit.TmpfsDirectory;

/**
 * What the object table shares besides objects: references that open any object from any process, memory pools,
 * descriptor tables and the directory, in one process and across real processes.
 */
class SharedTablesTest {

    private static final ObjectType SHM = ObjectType.SHARED_MEMORY;

    @RegisterExtension
    final StoreFixture<MmapBackend> store = MmapStores.fresh();
    private final Path root = store.root();
    private final MmapBackend backend = store.backend();


    @Test
    void aReferenceOpensAnUnnamedObjectAndNamesNoLaterObject() {
        BackendHandle unnamed = backend.createUnnamed(SHM, 4096, MapOptions.DEFAULT);
        unnamed.segment().setString(0, "by reference");
        ObjectRef ref = unnamed.ref();
        try (BackendHandle again = backend.openByRef(ref, MapOptions.DEFAULT)) {
            assertEquals("by reference", again.segment().getString(0));
            assertTrue(again.alreadyExisted());
            assertNull(again.name());
            assertEquals(ref, again.ref());
        }
        unnamed.close();
        assertReason(ErrorReason.NOT_FOUND, () -> backend.openByRef(ref, MapOptions.DEFAULT));
        try (BackendHandle named = backend.createOrOpen(SHM, "named", 16, MapOptions.DEFAULT);
             BackendHandle viaRef = backend.openByRef(named.ref(), MapOptions.DEFAULT)) {
            assertEquals("named", viaRef.name());
        }
    }

    @Test
    void aReferenceWorksInAnotherProcess() {
        try (ChildJvm child = ChildJvm.start(root)) {
            long ref = Long.parseLong(child.ok("unnamed 8192 made-by-child"));
            try (BackendHandle mine = backend.openByRef(new ObjectRef(ref), MapOptions.DEFAULT)) {
                assertEquals("made-by-child", mine.segment().getString(0));
                assertEquals(8192, mine.byteSize());
                child.kill();
                assertEquals("made-by-child", mine.segment().getString(0), "this process's handle keeps it");
            }
            backend.reapDeadProcesses();
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
        }
    }

    @Test
    void poolsChargeCreatesAcrossProcessesAndRefundOnDestroy() {
        backend.setPoolLimit("iwin32", 16384);
        assertEquals(Optional.of(new PoolUsage("iwin32", 16384, 0)), backend.poolUsage("iwin32"));
        assertEquals(Optional.empty(), backend.poolUsage("other"));
        BackendHandle a = backend.createOrOpen(SHM, "a", 8192, MapOptions.DEFAULT, "iwin32");
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("pooled b iwin32 16384 4096");
            assertEquals(12288, backend.poolUsage("iwin32").orElseThrow().used(), "the child's create counts here");
            ShmException full = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(SHM, "c", 8192, MapOptions.DEFAULT, "iwin32"));
            assertEquals(ErrorReason.NO_MEMORY, full.reason());
            assertEquals("c", full.objectName().orElseThrow());
            assertTrue(full.getMessage().contains("has 4096 of its 16384 bytes free"), full.getMessage());
            assertTrue(backend.lookup("c").isEmpty(), "the failed create left nothing");
            try (BackendHandle opened = backend.createOrOpen(SHM, "a", 99999, MapOptions.DEFAULT, "iwin32")) {
                assertTrue(opened.alreadyExisted(), "opening charges nothing");
            }
            assertEquals(12288, backend.poolUsage("iwin32").orElseThrow().used());
            child.kill();
            backend.reapDeadProcesses();
            assertEquals(8192, backend.poolUsage("iwin32").orElseThrow().used(), "the dead child's object refunded");
        }
        a.close();
        assertEquals(0, backend.poolUsage("iwin32").orElseThrow().used());
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.createOrOpen(SHM, "x", 1, MapOptions.DEFAULT, "none"));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.setPoolLimit("iwin32", -1));
    }

    @Test
    void descriptorTablesHandOutSmallNumbersUpToTheirCapacityAndPerProcessLimit() {
        DescriptorTable gdt = backend.descriptors("gdt", 3, 2);
        assertEquals(3, backend.descriptors("gdt", 8000, 8000).capacity(), "the first caller fixed the capacity");
        try (BackendHandle memory = backend.createUnnamed(SHM, 8192, MapOptions.DEFAULT)) {
            Descriptor first = gdt.create(memory.ref(), 0, 4096);
            Descriptor second = gdt.create(memory.ref(), 4096, 4096);
            assertEquals(0, first.index());
            assertEquals(1, second.index());
            assertEquals(Optional.of(second), gdt.get(1));
            assertEquals(ProcessHandle.current().pid(), second.ownerPid());
            assertReason(ErrorReason.LIMIT, () -> gdt.create(memory.ref(), 0, 1));
            assertReason(ErrorReason.INVALID_PARAMETER, () -> gdt.create(memory.ref(), 4096, 4097));
            assertTrue(gdt.delete(0));
            assertFalse(gdt.delete(0));
            assertEquals(Optional.empty(), gdt.get(0));
            assertEquals(1, gdt.used());
            try (ChildJvm child = ChildJvm.start(root)) {
                child.ok("create shared 4096");
                assertEquals("2", child.ok("descriptor gdt shared 0 100"));
                assertEquals("0", child.ok("descriptor gdt shared 100 100"), "a deleted number is reused");
                assertReason(ErrorReason.NO_SLOT, () -> gdt.create(memory.ref(), 0, 1));
                Descriptor childs = gdt.get(2).orElseThrow();
                assertEquals(child.pid(), childs.ownerPid());
                try (BackendHandle viaDescriptor = backend.openByRef(childs.object(), MapOptions.DEFAULT)) {
                    assertEquals("shared", viaDescriptor.name());
                }
                child.kill();
                backend.reapDeadProcesses();
                assertEquals(1, gdt.used(), "the dead process's descriptors were deleted");
            }
            assertEquals(Optional.empty(), gdt.get(2));
        }
        Descriptor stale = gdt.get(1).orElseThrow();
        assertReason(ErrorReason.NOT_FOUND, () -> backend.openByRef(stale.object(), MapOptions.DEFAULT));
        assertReason(ErrorReason.INVALID_PARAMETER, () -> backend.descriptors("huge", 1_000_000, 1));
    }

    /**
     * A handle whose hold was released for it (its object destroyed) while a new object took the same name: the new
     * object's handles are this backend's as any others, released at their close and at the backend's close, whether
     * the old handle is forgotten before or after.
     */
    @Test
    void aNewObjectUnderTheNameOfOneWhoseHoldWasReleasedForUsIsReleasedAtItsClose() {
        DescriptorTable table = backend.descriptors("handles", 10, 10);
        for (boolean forgetFirst : new boolean[] {true, false}) {
            BackendHandle old = backend.createOrOpen(SHM, "reused", 4096, MapOptions.DEFAULT);
            assertTrue(table.deleteReleasingHold(table.create(old.ref(), 0, 4096)));
            assertTrue(backend.lookup("reused").isEmpty(), "its only hold was released: destroyed");
            BackendHandle successor = backend.createOrOpen(SHM, "reused", 4096, MapOptions.DEFAULT);
            assertFalse(successor.alreadyExisted());
            BackendHandle again = backend.open(SHM, "reused", MapOptions.DEFAULT);
            if (forgetFirst) {
                assertTrue(old.forget());
            }
            successor.close();
            again.close();
            assertTrue(backend.lookup("reused").isEmpty(), "the new object's closes released its holds");
            if (!forgetFirst) {
                assertTrue(old.forget());
            }
            assertFalse(old.forget(), "forgotten once");
            assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
            assertEquals(List.of(), TableInvariants.violations(backend));
        }
        BackendHandle old = backend.createOrOpen(SHM, "kept", 4096, MapOptions.DEFAULT);
        assertTrue(table.deleteReleasingHold(table.create(old.ref(), 0, 4096)));
        backend.createOrOpen(SHM, "kept", 4096, MapOptions.DEFAULT);
        backend.close();
        try (MmapBackend other = new MmapBackend(MmapSettings.under(root))) {
            assertTrue(other.lookup("kept").isEmpty(), "the backend's close released the new object's handle");
        }
    }

    /**
     * An open and the descriptor that stands for its handle, made in one step ({@link DescriptorTable#inOneStep}),
     * take the store's lock once: between the two calls another description of the table file (as another process
     * has) finds the table locked, and after the step it takes the lock at once. What the step made is whole: the
     * handle holds the object and the descriptor names it. A failure inside the step leaves the lock free.
     */
    @Test
    void oneStepHoldsTheTableLockAcrossItsCalls() throws Exception {
        DescriptorTable table = backend.descriptors("handles", 10, 10);
        try (BackendHandle holder = backend.createOrOpen(SHM, "stepped", 4096, MapOptions.DEFAULT)) {
            LibC libc = new LibC();
            int fd = libc.openat(LibC.AT_FDCWD, root.resolve(TableLayout.FILE_NAME).toString(), LibC.O_RDONLY, 0);
            try {
                boolean[] lockedBetween = new boolean[1];
                Object[] made = table.inOneStep(() -> {
                    BackendHandle opened = backend.open(SHM, "stepped", MapOptions.DEFAULT);
                    lockedBetween[0] = !tryLock(libc, fd);
                    return new Object[] {opened, table.create(opened.ref(), 0, opened.byteSize())};
                });
                assertTrue(lockedBetween[0], "another description found the table free between the step's calls");
                assertTrue(tryLock(libc, fd), "the step left the table locked");

                BackendHandle opened = (BackendHandle) made[0];
                Descriptor descriptor = (Descriptor) made[1];
                assertEquals(Optional.of(descriptor), table.get(descriptor.index()));
                assertEquals(opened.ref(), descriptor.object());
                assertEquals(2, backend.lookup("stepped").orElseThrow().handleCount(), "both handles hold it");
                assertTrue(table.deleteReleasingHold(descriptor));
                opened.forget();

                assertReason(ErrorReason.NOT_FOUND, () -> table.inOneStep(
                        () -> backend.open(SHM, "absent", MapOptions.DEFAULT)));
                assertTrue(tryLock(libc, fd), "a failed step left the table locked");
                assertEquals(1, backend.lookup("stepped").orElseThrow().handleCount());
            } finally {
                libc.close(fd);
            }
        }
    }

    /** Whether another description of the table file could take its lock now (given back at once if so). */
    private static boolean tryLock(LibC libc, int fd) {
        try {
            boolean taken = libc.tryLockExclusive(fd);
            if (taken) {
                libc.unlock(fd);
            }
            return taken;
        } catch (LibC.Failure f) {
            throw new AssertionError("flock of the table file failed", f);
        }
    }

    /**
     * The look an iwin32 call takes at its own descriptors ({@link DescriptorTable#stillHeld}) needs no file lock while
     * they are all still there: it answers while another description of the table file holds the lock. A deleted one
     * is still reported, looked at again under the lock.
     */
    @Test
    void stillHeldAnswersWithoutTheFileLockWhileNothingChanged() throws Exception {
        DescriptorTable table = backend.descriptors("handles", 10, 10);
        BackendHandle memory = backend.createOrOpen(SHM, "looked-at", 4096, MapOptions.DEFAULT);
        Descriptor kept = table.create(memory.ref(), 0, 4096);
        Descriptor deleted = table.create(memory.ref(), 0, 4096);
        LibC libc = new LibC();
        int fd = libc.openat(LibC.AT_FDCWD, root.resolve(TableLayout.FILE_NAME).toString(), LibC.O_RDONLY, 0);
        try {
            assertTrue(libc.tryLockExclusive(fd));
            assertArrayEquals(new boolean[] {true, true},
                    OtherThread.call(() -> table.stillHeld(List.of(kept, deleted))),
                    "answered while another description holds the table's lock");
            libc.unlock(fd);

            assertTrue(table.delete(deleted.index()));
            assertTrue(libc.tryLockExclusive(fd));
            CompletableFuture<boolean[]> answer = CompletableFuture.supplyAsync(
                    () -> table.stillHeld(List.of(kept, deleted)));
            libc.unlock(fd);
            assertArrayEquals(new boolean[] {true, false},
                    answer.get(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            libc.close(fd);
        }
        memory.close();
    }

    /**
     * The change count every iwin32 call reads: the table's generation, read without any lock (so a call is not held up
     * by another thread's table work), raised by a commit of any process, -1 once the backend is closed.
     */
    @Test
    void theChangeCountIsReadWithoutLocksAndMovesWithEveryCommitOfAnyProcess() throws Exception {
        DescriptorTable table = backend.descriptors("handles", 10, 10);
        long before = table.changeCount();
        assertTrue(before >= 0, "a count: " + before);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> backend.guard().tableWork(t -> {
            inside.countDown();
            try {
                leave.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }), "holds the backend's and the table's locks");
        holder.start();
        try {
            assertTrue(inside.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(before, (long) OtherThread.call(table::changeCount),
                    "answered while another thread holds the backend's and the table's locks");
        } finally {
            leave.countDown();
            holder.join();
        }

        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("create moved 4096");
        }
        assertTrue(table.changeCount() > before, "another process committed");
        backend.close();
        assertEquals(-1, table.changeCount(), "a closed backend cannot tell");
    }

    /**
     * While a transaction's raised generation is not committed, the change count answers -1 ("cannot tell"), not the
     * raised number: a writer that dies before its commit has it rolled back, and a later commit could reach the same
     * number with other changes. Before the raise, the count is the committed one.
     */
    @Test
    void theChangeCountCannotTellWhileATransactionsGenerationIsNotCommitted() throws Exception {
        DescriptorTable table = backend.descriptors("handles", 10, 10);
        BackendHandle memory = backend.createOrOpen(SHM, "in-flight", 4096, MapOptions.DEFAULT);
        long before = table.changeCount();
        java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong countBeforeTheRaise = new java.util.concurrent.atomic.AtomicLong(-2);
        backend.crashPoint(where -> {
            if (where.equals("written") && countBeforeTheRaise.get() == -2) {   // the transaction's first word
                countBeforeTheRaise.set(table.changeCount());
            }
            // the generation written (the last word of the transaction), the commit not yet made
            if (where.equals("written") && backend.table().generation() == before + 1 && written.getCount() == 1) {
                written.countDown();
                try {
                    leave.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread writer = new Thread(() -> table.create(memory.ref(), 0, 4096), "writes a descriptor");
        writer.start();
        try {
            assertTrue(written.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(before, countBeforeTheRaise.get(), "the committed count, while the transaction writes");
            assertEquals(-1, table.changeCount(), "the raised generation is not committed yet");
        } finally {
            leave.countDown();
            writer.join();
            backend.crashPoint(where -> { });
        }
        assertEquals(before + 1, table.changeCount(), "committed");
        memory.close();
    }

    @Test
    void deletingAnotherProcesssDescriptorReleasesOneOfItsHoldsInTheSameStepAndItsOwnerOnlyForgetsItsView() {
        DescriptorTable table = backend.descriptors("handles", 10, 10);
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("create twice 4096");
            child.ok("create twice 4096");
            child.ok("create solo 4096");
            Descriptor twice = table.get(Integer.parseInt(child.ok("descriptor handles twice 0 4096"))).orElseThrow();
            Descriptor solo = table.get(Integer.parseInt(child.ok("descriptor handles solo 0 4096"))).orElseThrow();
            assertEquals(child.pid(), twice.ownerPid());
            try (BackendHandle mine = backend.open(SHM, "twice", MapOptions.DEFAULT)) {
                assertEquals(3, backend.lookup("twice").orElseThrow().handleCount());
                assertFalse(table.deleteReleasingHold(new Descriptor(twice.index(), twice.object(), 1, 4095,
                        twice.ownerPid(), 0)), "a descriptor that reads otherwise is not deleted");
                assertEquals(Optional.of(twice), table.get(twice.index()));

                assertTrue(table.deleteReleasingHold(twice));
                assertEquals(Optional.empty(), table.get(twice.index()));
                assertEquals(java.util.Set.of(new HolderInfo(child.pid(), 1),
                        new HolderInfo(ProcessHandle.current().pid(), 1)),
                        java.util.Set.copyOf(backend.lookup("twice").orElseThrow().holders()),
                        "one of the child's two holds went, this process's stayed");
                assertFalse(table.deleteReleasingHold(twice), "a second delete finds nothing and releases nothing");
                assertEquals(2, backend.lookup("twice").orElseThrow().handleCount());
            }
            assertTrue(table.deleteReleasingHold(solo));
            assertTrue(backend.lookup("solo").isEmpty(), "the child's only hold went: the object is destroyed at once");
            assertEquals(List.of(), TableInvariants.violations(backend));

            assertEquals("true", child.ok("forget solo"), "the child unmaps its view of the destroyed object");
            assertEquals("true", child.ok("forget twice"), "and the view whose hold went, releasing nothing");
            assertEquals(1, backend.lookup("twice").orElseThrow().handleCount(), "the child's other hold is intact");
            assertTrue(child.send("read twice 0").startsWith("DATA"), "the remaining handle still maps");
            child.ok("close twice");
            assertTrue(backend.lookup("twice").isEmpty(), "its close released the last hold exactly once");
            assertEquals(List.of(), TableInvariants.violations(backend));
            child.exit();
        }
    }

    @Test
    void theDirectoryBindsNamesPerScopeAcrossProcesses() {
        Directory directory = backend.directory();
        directory.bind("root", "SENSOR", 42);
        assertEquals(OptionalLong.of(42), directory.lookup("root", "SENSOR"));
        assertEquals(OptionalLong.empty(), directory.lookup("root", "sensor"));
        assertEquals(OptionalLong.empty(), directory.lookup("process:1", "SENSOR"));
        assertReason(ErrorReason.WRONG_STATE, () -> directory.bind("root", "SENSOR", 7));
        directory.bind("process:1", "SENSOR", 7);
        assertEquals(OptionalLong.of(7), directory.lookup("process:1", "SENSOR"));
        assertReason(ErrorReason.INVALID_NAME, () -> directory.bind("root", "", 1));
        try (ChildJvm child = ChildJvm.start(root)) {
            child.ok("bind root a-very-long-name-" + "x".repeat(200) + " 9");
            assertEquals(OptionalLong.of(9), directory.lookup("root", "a-very-long-name-" + "x".repeat(200)));
            child.kill();
            backend.reapDeadProcesses();
            assertEquals(OptionalLong.empty(), directory.lookup("root", "a-very-long-name-" + "x".repeat(200)),
                    "a dead process's bindings go with it");
        }
        assertTrue(directory.unbind("root", "SENSOR"));
        assertFalse(directory.unbind("root", "SENSOR"));
    }
}
