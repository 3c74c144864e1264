package shm.personality.rtx;

import static shm.api.rtx.RtxConstants.PAGE_READWRITE;
import static shm.api.rtx.RtxConstants.SHM_MAP_WRITE;

import java.nio.file.Path;

import shm.api.rtx.RtxResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.ChildCommands;

/**
 * A child RTX "process" for the cross-process tests: the personality over the mmap provider, both as plain
 * libraries, driven one command per line: {@code create NAME SIZE TEXT}, {@code open NAME}, {@code read},
 * {@code close}, {@code exit}. Answers one line each.
 */
public final class RtxChildMain {

    private RtxChildMain() {
    }

    /** {@code RtxChildMain <root> <RTSS_PROCESS|WINDOWS_PROCESS>}. */
    public static void main(String[] args) throws Exception {
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(Path.of(args[0])));
             RtxPersonality rtx = new RtxPersonality(backend, new RtxSettings(CallerContext.valueOf(args[1]),
                     Flavour.LEGACY_RTX, 260))) {
            RtxResult current = null;
            for (String line : ChildCommands.afterReady()) {
                String[] c = line.split(" ");
                switch (c[0]) {
                    case "create" -> {
                        current = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, Integer.parseInt(c[2]), c[1]);
                        if (current.succeeded()) {
                            current.location().setString(0, c[3]);
                        }
                        System.out.println("RESULT " + current.errorCode() + " " + current.handle());
                    }
                    case "open" -> {
                        current = rtx.RtOpenSharedMemory(SHM_MAP_WRITE, false, c[1]);
                        System.out.println("RESULT " + current.errorCode() + " " + current.handle());
                    }
                    case "read" -> System.out.println("DATA " + current.location().getString(0));
                    case "own-mutex" -> {
                        RtxResult mutex = rtx.RtCreateMutex(true, c[1]);
                        System.out.println("RESULT " + mutex.errorCode() + " " + mutex.handle());
                    }
                    case "echo-events" -> {
                        long go = rtx.RtOpenEvent(0, false, c[1]).handle();
                        long done = rtx.RtOpenEvent(0, false, c[2]).handle();
                        int rounds = Integer.parseInt(c[3]);
                        System.out.println("ECHOING");
                        for (int i = 0; i < rounds; i++) {
                            if (rtx.RtWaitForSingleObject(go, 30_000) != shm.api.rtx.RtxConstants.WAIT_OBJECT_0) {
                                break;
                            }
                            rtx.RtSetEvent(done);
                        }
                        System.out.println("ECHOED");
                    }
                    case "close" -> System.out.println("CLOSED " + rtx.RtCloseHandle(current.handle()) + " "
                            + rtx.RtGetLastError());
                    default -> System.out.println("UNKNOWN " + c[0]);
                }
            }
        }
        ChildCommands.exited();
    }
}
