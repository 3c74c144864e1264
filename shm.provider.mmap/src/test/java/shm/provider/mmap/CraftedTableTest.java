package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.provider.mmap.TableLayout.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.StoreReport;
import shm.testkit.StoreFixture;

/**
 * A table crafted to name files outside the root (issue 12, break 1): whatever state the slot is in, the next
 * participant refuses the table as corrupt, touches no file outside the root, and the repair makes the store usable
 * again.
 */
class CraftedTableTest {

    /** A fresh directory on tmpfs and a root in it that does not exist yet; no backend: each test makes its own. */
    @RegisterExtension
    final StoreFixture<AutoCloseable> store = new StoreFixture<>("shm-test", root -> () -> { });
    private final Path root = store.root();
    private Path victim;
    private Path absoluteVictim;

    @BeforeEach
    void setUp() throws IOException {
        Path elsewhere = Files.createDirectories(store.directory().resolve("elsewhere"));
        victim = Files.writeString(elsewhere.resolve("victim"), "not the store's");
        absoluteVictim = Files.writeString(store.directory().resolve("absolute-victim"), "not the store's either");
    }

    @ParameterizedTest
    @ValueSource(strings = {"destroying", "creating", "live-held-by-dead"})
    void aSlotNamingAFileOutsideTheRootNeverDeletesIt(String state) throws IOException {
        for (String crafted : List.of("../elsewhere/victim", absoluteVictim.toString())) {
            try (MmapBackend first = new MmapBackend(MmapSettings.under(root))) {
                BackendHandle held = first.createOrOpen(ObjectType.SHARED_MEMORY, "innocent", 64, MapOptions.DEFAULT);
                BackendHandle target = first.createOrOpen(ObjectType.SHARED_MEMORY, "target", 64, MapOptions.DEFAULT);
                try (TableEditor editor = new TableEditor(root)) {
                    int slot = editor.slotOf("n.target");
                    editor.renameSlot(slot, crafted);
                    switch (state) {
                        case "destroying" -> {
                            editor.putObject(slot, OBJECT_STATE, DESTROYING);
                            editor.putWord(PENDING_INTENTS_OFFSET, editor.word(PENDING_INTENTS_OFFSET) + 1);
                        }
                        case "creating" -> {
                            editor.putObject(slot, OBJECT_STATE, CREATING);
                            editor.putWord(PENDING_INTENTS_OFFSET, editor.word(PENDING_INTENTS_OFFSET) + 1);
                        }
                        default -> {
                            int dead = editor.registerDeadProcess(OtherUser.deadPid());
                            for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
                                editor.putWord(editor.objectBase(slot) + OBJECT_HOLDERS + h * HOLDER_SIZE, 0);
                            }
                            editor.putWord(editor.objectBase(slot) + OBJECT_HOLDERS, dead + 1);
                            editor.putWord(editor.objectBase(slot) + OBJECT_HOLDERS + HOLDER_HANDLES, 1);
                        }
                    }
                }
                ShmException refused = assertThrows(ShmException.class, () -> {
                    try (MmapBackend next = new MmapBackend(MmapSettings.under(root))) {
                        next.list();
                    }
                });
                assertEquals(ErrorReason.INCOMPATIBLE_STORE, refused.reason(), refused.getMessage());
                assertTrue(refused.getMessage().startsWith("store " + root + ": the object table is corrupt: the file"
                        + " name of object slot"), refused.getMessage());
                assertTrue(refused.getMessage().contains("shm:check --repair"), refused.getMessage());
                assertFalse(refused.getMessage().contains("unnamed object"), refused.getMessage());
                assertOutsideUntouched();

                StoreReport report = StoreRepair.check(MmapSettings.under(root), true);
                assertFalse(report.consistent(), report.toString());
                assertTrue(report.repairs().stream().anyMatch(r -> r.startsWith("dropped object slot")),
                        report.toString());
                assertOutsideUntouched();
                try (MmapBackend after = new MmapBackend(MmapSettings.under(root));
                     BackendHandle again = after.createOrOpen(ObjectType.SHARED_MEMORY, "innocent", 64,
                             MapOptions.DEFAULT)) {
                    assertTrue(again.alreadyExisted(), "the repair kept the object it could trust");
                    after.createOrOpen(ObjectType.SHARED_MEMORY, "new", 8, MapOptions.DEFAULT).close();
                }
                held.close();
                target.close();
            }
            assertOutsideUntouched();
            assertTrue(Files.exists(root.resolve("n.target")), "the dropped slot's own file was kept, not deleted");
            Files.delete(root.resolve("n.target"));
        }
    }

    private void assertOutsideUntouched() throws IOException {
        assertEquals("not the store's", Files.readString(victim));
        assertEquals("not the store's either", Files.readString(absoluteVictim));
    }
}
