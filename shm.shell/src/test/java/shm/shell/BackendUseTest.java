package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The rules of {@code shm:use}: which pins of the neutral service would leave its handles with no backend. */
class BackendUseTest {

    private static final BackendUse.Backend MMAP = new BackendUse.Backend(47, "mmap", "mmap:/dev/shm/a", 120);
    private static final BackendUse.Backend MMAP_UPDATE = new BackendUse.Backend(52, "mmap2", "mmap:/dev/shm/a", 120);
    private static final BackendUse.Backend RTX = new BackendUse.Backend(60, "rtx", "rtx:node0", 0);

    @Test
    void aTypeNoBackendHasIsRefusedWhateverTheForce() {
        String expected = "no backend of type 'nothing' is registered (registered: 'mmap', 'rtx'); the neutral"
                + " service's binding is unchanged (shm:backends lists the backends)";
        assertEquals(expected, BackendUse.refusal("nothing", false, List.of(MMAP, RTX), Set.of(47L)));
        assertEquals(expected, BackendUse.refusal("nothing", true, List.of(MMAP, RTX), Set.of(47L)));
        assertEquals("no backend of type 'mmap' is registered (none is); the neutral service's binding is unchanged"
                + " (shm:backends lists the backends)", BackendUse.refusal("mmap", false, List.of(), Set.of()));
    }

    @Test
    void aTypeOfAnotherStoreNeedsTheForceWhileTheServiceIsBoundToItsStore() {
        assertEquals("no backend of type 'rtx' serves mmap:/dev/shm/a, where the neutral service is bound now: any"
                + " handles it holds there would be parked and released after 120 s; close them first, or repeat"
                + " with --force (shm:backends lists the bindings)",
                BackendUse.refusal("rtx", false, List.of(MMAP, RTX), Set.of(47L)));
        assertNull(BackendUse.refusal("rtx", true, List.of(MMAP, RTX), Set.of(47L)));
        assertNull(BackendUse.refusal("rtx", false, List.of(MMAP, RTX), Set.of(60L)), "bound to rtx's store already");
        assertNull(BackendUse.refusal("rtx", false, List.of(MMAP, RTX), Set.of()), "bound to nothing: nothing held");
    }

    @Test
    void aTypeOfTheSameStoreAndAnyTypeGoAhead() {
        assertNull(BackendUse.refusal("mmap2", false, List.of(MMAP, MMAP_UPDATE), Set.of(47L)));
        assertNull(BackendUse.refusal("*", false, List.of(), Set.of(47L)));
    }

    @Test
    void boundToTwoStoresAPinToOneOfThemNeedsTheForceForTheOther() {
        assertEquals("no backend of type 'mmap' serves rtx:node0, where the neutral service is bound now: any"
                + " handles it holds there would be parked and released at once; close them first, or repeat with"
                + " --force (shm:backends lists the bindings)",
                BackendUse.refusal("mmap", false, List.of(MMAP, RTX), Set.of(47L, 60L)));
    }

    @Test
    void aBackendThatCannotParkSaysItsHandlesWouldBeReleasedAtOnce() {
        assertEquals("no backend of type 'mmap' serves rtx:node0, where the neutral service is bound now: any"
                + " handles it holds there would be parked and released at once; close them first, or repeat with"
                + " --force (shm:backends lists the bindings)",
                BackendUse.refusal("mmap", false, List.of(MMAP, RTX), Set.of(60L)));
    }
}
