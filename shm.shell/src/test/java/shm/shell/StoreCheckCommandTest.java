package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.StoreCheck;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/** {@code shm:check} against the real mmap store. */
class StoreCheckCommandTest {

    @TempDir
    Path temporary;

    @Test
    void reportsAConsistentStoreAndAFileNoObjectListsWhichItKeeps() throws Exception {
        Path root = temporary.resolve("root");
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            backend.createOrOpen(ObjectType.SHARED_MEMORY, "kept", 16, MapOptions.DEFAULT);
            StoreCheck check = backend::checkStore;
            StoreCheckCommand command = new StoreCheckCommand(List.of(check));
            assertEquals("store " + root + ": consistent", command.run(false));

            Files.writeString(root.resolve("n.stray"), "left by hand");
            String report = command.run(true);
            assertTrue(report.startsWith("store " + root + ": 1 finding(s)\n  found:    n.stray is in the root but no"
                    + " live object of the table lists it; it was kept"), report);
            assertEquals("left by hand", Files.readString(root.resolve("n.stray")), "the repair never deletes it");
            assertThrows(UsageException.class, () -> command.run(false, "extra"));
        }
        assertEquals("no backend offers a store check", new StoreCheckCommand(List.of()).run(false));
    }
}
