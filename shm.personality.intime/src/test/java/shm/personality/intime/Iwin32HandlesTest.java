package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ObjectRef;

/**
 * What an INtime process does at every iwin32 call to notice the handles another process closed
 * ({@link Iwin32Handles#reconcile()}): it reads the shared table once for all of its handles, whatever their number,
 * and forgets exactly the ones whose slot was deleted. Before, it read the table once per handle, each read a lock of
 * the store (two {@code flock} calls): a set and a wait of a process with 100 handles took 0.65 ms.
 */
class Iwin32HandlesTest {

    private final IntimeFixture fixture = new IntimeFixture();

    @AfterEach
    void close() throws java.io.IOException {
        fixture.close();
    }

    /** The backend's real table, counting what is asked of it. */
    private static final class CountingTable implements DescriptorTable {
        final DescriptorTable table;
        final AtomicInteger singleReads = new AtomicInteger();
        final AtomicInteger bulkReads = new AtomicInteger();

        CountingTable(DescriptorTable table) {
            this.table = table;
        }

        @Override
        public String name() {
            return table.name();
        }

        @Override
        public int capacity() {
            return table.capacity();
        }

        @Override
        public int perProcessLimit() {
            return table.perProcessLimit();
        }

        @Override
        public Descriptor create(ObjectRef object, long offset, long size, long node) {
            return table.create(object, offset, size, node);
        }

        @Override
        public Optional<Descriptor> get(int index) {
            singleReads.incrementAndGet();
            return table.get(index);
        }

        @Override
        public boolean[] stillHeld(List<Descriptor> descriptors) {
            bulkReads.incrementAndGet();
            return table.stillHeld(descriptors);
        }

        @Override
        public boolean delete(int index) {
            return table.delete(index);
        }

        @Override
        public boolean deleteReleasingHold(Descriptor descriptor) {
            return table.deleteReleasingHold(descriptor);
        }

        @Override
        public int used() {
            return table.used();
        }
    }

    @Test
    void everyHandleIsCheckedInOneReadAndOnlyTheClosedOneIsForgotten() {
        DescriptorTable real = fixture.backend.descriptors(IntimeTables.IWIN32_TABLE, 1024, 1024);
        CountingTable table = new CountingTable(real);
        Iwin32Handles handles = new Iwin32Handles(table, descriptor -> false);
        List<BackendHandle> objects = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        AtomicInteger forgotten = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            BackendHandle object = fixture.backend.createOrOpen(ObjectType.SHARED_MEMORY, "h" + i, 4096,
                    MapOptions.DEFAULT);
            objects.add(object);
            values.add(handles.register(object, object::close, () -> {
                forgotten.incrementAndGet();
                object.forget();
            }, object.ref(), 4096));
        }

        handles.reconcile();
        assertEquals(1, table.bulkReads.get(), "one read for the 50 handles");
        assertEquals(0, table.singleReads.get(), "no read per handle");
        assertEquals(0, forgotten.get());

        // Another process's CloseHandle of handle 17: its slot goes and the owner's hold with it.
        Descriptor closed = handles.own(values.get(17)).orElseThrow().descriptor();
        assertTrue(real.deleteReleasingHold(closed));
        handles.reconcile();
        assertEquals(2, table.bulkReads.get());
        assertEquals(0, table.singleReads.get());
        assertEquals(1, forgotten.get(), "the closed handle is forgotten, never released again");
        assertFalse(handles.isOwn(values.get(17)));
        assertFalse(objects.get(17).isOpen());
        for (int i = 0; i < 50; i++) {
            if (i != 17) {
                assertTrue(handles.isOwn(values.get(i)), "handle " + i + " stays");
                assertTrue(objects.get(i).isOpen(), "object " + i + " stays mapped");
            }
        }
        handles.closeAll();
    }
}
