package shm.personality.ntx;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import shm.api.intime.RtHandleResult;
import shm.personality.intime.IntimePersonality;
import shm.personality.intime.IntimeSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.ChildCommands;

/**
 * The RT side of the cross-process NTX tests: one INtime process (the INtime personality over the mmap provider, both
 * as plain libraries) in its own JVM, driven one command per line, one answer line each:
 * <ul>
 *   <li>{@code alloc SIZE TEXT}: {@code AllocateRtMemory}, writes TEXT at 0, {@code CreateRtMemoryHandle} over the
 *       whole block: {@code HANDLE h status}</li>
 *   <li>{@code handle OFFSET SIZE}: {@code CreateRtMemoryHandle} over {@code [OFFSET, OFFSET + SIZE)} of the block:
 *       {@code HANDLE h status}</li>
 *   <li>{@code write OFFSET TEXT}: writes TEXT into the block: {@code WROTE}</li>
 *   <li>{@code read OFFSET}: the text in the block: {@code DATA text}</li>
 *   <li>{@code delete H}: {@code DeleteRtMemoryHandle}: {@code DELETED ok status}</li>
 *   <li>{@code free}: {@code FreeRtMemory} of the block: {@code FREED bytes status}</li>
 *   <li>{@code exit}: ends the INtime process: {@code EXITED}</li>
 * </ul>
 */
public final class NtxRtChildMain {

    private NtxRtChildMain() {
    }

    /** {@code NtxRtChildMain <root>}. */
    public static void main(String[] args) throws Exception {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(Path.of(args[0])));
             IntimePersonality intime = new IntimePersonality(backend, IntimeSettings.defaults())) {
            MemorySegment block = MemorySegment.NULL;
            for (String line : ChildCommands.afterReady()) {
                String[] c = line.split(" ");
                switch (c[0]) {
                    case "alloc" -> {
                        int size = Integer.parseInt(c[1]);
                        block = intime.AllocateRtMemory(size).address();
                        block.setString(0, c[2]);
                        RtHandleResult h = intime.CreateRtMemoryHandle(block, size);
                        System.out.println("HANDLE " + h.handle() + " " + h.status());
                    }
                    case "handle" -> {
                        RtHandleResult h = intime.CreateRtMemoryHandle(block.asSlice(Long.parseLong(c[1])),
                                Integer.parseInt(c[2]));
                        System.out.println("HANDLE " + h.handle() + " " + h.status());
                    }
                    case "write" -> {
                        block.setString(Long.parseLong(c[1]), c[2]);
                        System.out.println("WROTE");
                    }
                    case "read" -> System.out.println("DATA " + block.getString(Long.parseLong(c[1])));
                    case "delete" -> System.out.println("DELETED " + intime.DeleteRtMemoryHandle(
                            Integer.parseInt(c[1])) + " " + intime.GetLastRtError());
                    case "free" -> System.out.println("FREED " + intime.FreeRtMemory(block) + " "
                            + intime.GetLastRtError());
                    default -> System.out.println("UNKNOWN " + c[0]);
                }
            }
        }
        ChildCommands.exited();
    }
}
