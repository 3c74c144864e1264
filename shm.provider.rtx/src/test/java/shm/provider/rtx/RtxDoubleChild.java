package shm.provider.rtx;

import java.lang.foreign.ValueLayout;
import java.time.Duration;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.provider.win32.Win32Backend;
import shm.testkit.ChildCommands;

/**
 * A second process using the RTX backend over the test double (its store from SHM_TESTDOUBLE_ROOT). Commands:
 * {@code open NAME}, {@code read}, {@code write TEXT}, {@code own-mutex NAME}, {@code exit}.
 */
public final class RtxDoubleChild {

    private RtxDoubleChild() {
    }

    /** Runs the command loop. */
    public static void main(String[] args) throws Exception {
        try (Win32Backend backend = RtxBackendFactory.open(args[0], args[0], "")) {
            BackendHandle current = null;
            for (String line : ChildCommands.afterReady()) {
                String[] c = line.split(" ", 2);
                switch (c[0]) {
                    case "open" -> {
                        current = backend.open(ObjectType.SHARED_MEMORY, c[1], MapOptions.DEFAULT);
                        System.out.println("OPENED " + current.byteSize());
                    }
                    case "read" -> System.out.println("DATA " + current.segment().getString(0));
                    case "write" -> {
                        current.segment().setString(0, c[1]);
                        System.out.println("WROTE");
                    }
                    case "own-mutex" -> System.out.println("OWNED " + backend.createOrOpenMutex(c[1], false)
                            .acquire(Duration.ofSeconds(10)));
                    default -> System.out.println("UNKNOWN " + c[0]);
                }
            }
        }
        ChildCommands.exited();
    }
}
