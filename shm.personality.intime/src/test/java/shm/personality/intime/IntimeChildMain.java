package shm.personality.intime;

import static shm.api.intime.IntimeConstants.THIS_PROCESS;
import static shm.api.intime.IntimeTables.ROOT_PROCESS_HANDLE;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import shm.api.intime.Iwin32Result;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.ChildCommands;

/**
 * A child INtime process for the cross-process tests: the personality over the mmap provider, both as plain
 * libraries, driven one command per line, one answer line each:
 * <ul>
 *   <li>{@code alloc SIZE TEXT}: AllocateRtMemory, writes TEXT at 0, then CreateRtMemoryHandle for the whole block:
 *       {@code HANDLE h status}</li>
 *   <li>{@code catalog NAME}: catalogs the last handle in the root directory: {@code CATALOGED ok status}</li>
 *   <li>{@code catalogself NAME}: catalogs this process's handle in the root directory</li>
 *   <li>{@code map H}: MapRtSharedMemory of a decimal handle: {@code MAPPED status}; {@code view} reads it</li>
 *   <li>{@code read}: the last block's text: {@code DATA text}</li>
 *   <li>{@code create NAME SIZE TEXT}: iwin32 RtCreateSharedMemory, writes TEXT: {@code IWIN32 handle error}</li>
 *   <li>{@code iread}: the last iwin32 object's text ({@code UNMAPPED} once its view is gone); {@code iclose}:
 *       CloseHandle of it</li>
 *   <li>the event, mutex and semaphore commands of {@link SyncChildCommands}</li>
 *   <li>{@code exit}</li>
 * </ul>
 */
public final class IntimeChildMain {

    private IntimeChildMain() {
    }

    /** {@code IntimeChildMain <root> <iwin32 SegSize in bytes>}. */
    public static void main(String[] args) throws Exception {
        IntimeSettings settings = IntimeSettings.defaults().withIwin32SegSize(Long.parseLong(args[1]));
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(Path.of(args[0])));
             IntimePersonality intime = new IntimePersonality(backend, settings)) {
            MemorySegment block = MemorySegment.NULL;
            MemorySegment view = MemorySegment.NULL;
            int handle = 0;
            Iwin32Result iwin32 = null;
            SyncChildCommands sync = new SyncChildCommands(intime);
            for (String line : ChildCommands.afterReady()) {
                String[] c = line.split(" ");
                switch (c[0]) {
                    case "alloc" -> {
                        RtMemoryResult memory = intime.AllocateRtMemory(Integer.parseInt(c[1]));
                        block = memory.address();
                        block.setString(0, c[2]);
                        RtHandleResult h = intime.CreateRtMemoryHandle(block, Integer.parseInt(c[1]));
                        handle = h.handle();
                        System.out.println("HANDLE " + h.handle() + " " + h.status());
                    }
                    case "catalog" -> System.out.println("CATALOGED " + intime.CatalogRtHandle(ROOT_PROCESS_HANDLE,
                            handle, c[1]) + " " + intime.GetLastRtError());
                    case "catalogself" -> System.out.println("CATALOGED " + intime.CatalogRtHandle(
                            ROOT_PROCESS_HANDLE, intime.GetRtThreadHandles(THIS_PROCESS).handle(), c[1]) + " "
                            + intime.GetLastRtError());
                    case "map" -> {
                        RtMemoryResult mapped = intime.MapRtSharedMemory(Integer.parseInt(c[1]));
                        view = mapped.address();
                        System.out.println("MAPPED " + mapped.status());
                    }
                    case "view" -> System.out.println("DATA " + view.getString(0));
                    case "read" -> System.out.println("DATA " + block.getString(0));
                    case "create" -> {
                        iwin32 = intime.RtCreateSharedMemory(0, 0, Integer.parseInt(c[2]), c[1]);
                        if (iwin32.succeeded()) {
                            iwin32.location().setString(0, c[3]);
                        }
                        System.out.println("IWIN32 " + iwin32.handle() + " " + iwin32.errorCode());
                    }
                    case "iread" -> System.out.println(read(iwin32.location()));
                    case "iclose" -> System.out.println("ICLOSED " + intime.CloseHandle(iwin32.handle()) + " "
                            + intime.GetLastError());
                    default -> {
                        String answer = sync.answer(c);
                        System.out.println(answer == null ? "UNKNOWN " + c[0] : answer);
                    }
                }
            }
        }
        ChildCommands.exited();
    }

    /** {@code DATA text}, or {@code UNMAPPED} when the view was closed (its handle was closed). */
    private static String read(MemorySegment location) {
        try {
            return "DATA " + location.getString(0);
        } catch (IllegalStateException closed) {
            return "UNMAPPED";
        }
    }
}
