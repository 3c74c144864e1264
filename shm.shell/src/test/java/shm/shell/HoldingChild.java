package shm.shell;

import java.nio.file.Path;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/** A child process that opens an object in a root, says {@code HOLDING}, and waits to be killed. */
public final class HoldingChild {

    private HoldingChild() {
    }

    /** {@code HoldingChild <root> <name>}. */
    public static void main(String[] args) throws Exception {
        MmapBackend backend = new MmapBackend(MmapSettings.under(Path.of(args[0])));
        backend.createOrOpen(ObjectType.SHARED_MEMORY, args[1], 4096, MapOptions.DEFAULT);
        System.out.println("HOLDING");
        System.out.flush();
        System.in.read();
    }
}
