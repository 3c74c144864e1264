package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

import shm.api.intime.IntimeTables;

/**
 * The configuration of an INtime process: the documented defaults, the values INtime refuses (refused with a message
 * naming the setting, so that the component's activation fails clearly), and the system-wide sizes that the first
 * process of a backend fixes.
 */
class IntimeSettingsTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        IntimeSettings defaults = IntimeSettings.defaults();
        assertEquals(8000, defaults.gdtSlots(), "the GDT holds about 8 000 entries");
        assertEquals(8L << 20, defaults.vsegSize(), "the loader's default virtual segment is 8 MB");
        assertEquals(0, defaults.poolMax(), "borrow all available memory");
        assertEquals(0, defaults.iwin32SegSize() % SEGSIZE_UNIT);
    }

    @Test
    void segSizeThatIsNotAMultipleOf4MiBIsAConfigurationError() {
        for (long bad : new long[] {0, -SEGSIZE_UNIT, SEGSIZE_UNIT + 1, 5L << 20, 3L << 20}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IntimeSettings.defaults().withIwin32SegSize(bad));
            assertTrue(e.getMessage().startsWith("intime.iwin32SegSize must be a positive multiple of 4 MiB"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("got " + bad), e.getMessage());
        }
        assertEquals(8L << 20, IntimeSettings.defaults().withIwin32SegSize(8L << 20).iwin32SegSize());
    }

    @Test
    void theVirtualSegmentIsAtLeast8MiBAndRoundedUpTo4MiB() {
        assertEquals(12L << 20, IntimeSettings.defaults().withVsegSize(9L << 20).vsegSize());
        assertThrows(IllegalArgumentException.class, () -> IntimeSettings.defaults().withVsegSize(4L << 20));
    }

    @Test
    void otherValuesOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> IntimeSettings.defaults().withGdtSlots(0));
        assertThrows(IllegalArgumentException.class,
                () -> IntimeSettings.defaults().withGdtSlots(IntimeTables.MAX_GDT_SLOTS + 1));
        assertEquals(IntimeTables.MAX_GDT_SLOTS,
                IntimeSettings.defaults().withGdtSlots(IntimeTables.MAX_GDT_SLOTS).gdtSlots());
        assertThrows(IllegalArgumentException.class, () -> IntimeSettings.defaults().withObjectLimit(0));
        assertThrows(IllegalArgumentException.class, () -> IntimeSettings.defaults().withPoolMax(PAGE_SIZE - 1));
        assertThrows(IllegalArgumentException.class, () -> IntimeSettings.defaults().withIwin32Handles(0));
    }

    @Test
    void theComponentStartsFromItsConfigurationAndRefusesABadOne() throws IOException {
        try (IntimeFixture store = new IntimeFixture()) {
            IntimePersonalityComponent component = component(
                    config(Map.of("intime_iwin32SegSize", 8L << 20, "intime_gdtSlots", 100)));
            component.bindBackend(store.backend, Map.of());
            assertEquals(8L << 20, store.iwin32Pool().limit(), "the component set the pool's limit");
            assertEquals(100, component.settings().gdtSlots());
            assertTrue(component.RtCreateSharedMemory(0, 0, 64, "component").succeeded());
            component.deactivate(DISPOSED);
            assertTrue(store.backend.lookup("component").isEmpty(), "deactivation ended the process");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> component(config(Map.of("intime_iwin32SegSize", 10_000_000L))));
            assertTrue(e.getMessage().contains("intime.iwin32SegSize"), e.getMessage());
        }
    }

    @Test
    void theFirstProcessOfABackendFixesTheSystemWideTableSizes() throws IOException {
        try (IntimeFixture store = new IntimeFixture()) {
            IntimePersonality first = store.process(IntimeSettings.defaults().withGdtSlots(2));
            IntimePersonality later = store.process(IntimeSettings.defaults().withGdtSlots(5000));
            var block = later.AllocateRtMemory(8).address();
            assertTrue(later.CreateRtMemoryHandle(block, 1).succeeded());
            assertTrue(first.CreateRtMemoryHandle(first.AllocateRtMemory(8).address(), 1).succeeded());
            assertEquals(E_SLOT, later.CreateRtMemoryHandle(block, 1).status(), "the table has the first's 2 slots");
        }
    }

    /** DS's deactivation reason for a disposed component: the process ends. */
    static final int DISPOSED = 5;

    /** The component as SCR makes it, outside a framework that stops. */
    static IntimePersonalityComponent component(IntimePersonalityComponent.Config config) {
        return new IntimePersonalityComponent(config, "shm.kept.intime.test", () -> false, () -> false);
    }

    /** A configuration with the annotation's defaults, except {@code values} (by method name). */
    static IntimePersonalityComponent.Config config(Map<String, Object> values) {
        return (IntimePersonalityComponent.Config) Proxy.newProxyInstance(IntimeSettingsTest.class.getClassLoader(),
                new Class<?>[] {IntimePersonalityComponent.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }
}
