package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.E_NTX_INTERNAL_ERROR;
import static shm.api.ntx.NtxConstants.E_OK;
import static shm.personality.ntx.NtxFixture.imported;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The DS component's configuration reaches the rules: host node, shared nodes, strict cache; and the component
 * answers E_NTX_INTERNAL_ERROR until a backend is bound.
 */
class NtxPersonalityComponentTest {

    /** A configuration with the given values; every other attribute answers its declared default. */
    private static NtxPersonalityComponent.Config config(Map<String, Object> values) {
        return (NtxPersonalityComponent.Config) Proxy.newProxyInstance(NtxPersonalityComponent.Config.class
                .getClassLoader(), new Class<?>[] {NtxPersonalityComponent.Config.class}, (proxy, method, args) ->
                values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    @Test
    void theDefaultsAreNode0AndTheCacheAsNtxKeepsIt() {
        NtxPersonalityComponent component = component(config(Map.of()));
        assertEquals(NtxSettings.defaults(), component.settings());
    }

    @Test
    void theConfigurationDecidesNodesAndStrictness() {
        NtxPersonalityComponent component = component(config(Map.of("ntx_hostNode", 2L,
                "ntx_sharedNodes", new long[] {3, 4}, "ntx_strictCache", true)));
        assertEquals(new NtxSettings(2, Set.of(3L, 4L), true), component.settings());
    }

    @Test
    void callsFailWithENtxInternalErrorUntilABackendIsBound() throws IOException {
        try (NtxFixture store = new NtxFixture()) {
            NtxPersonalityComponent component = component(config(Map.of()));
            int rtHandle = store.rt().allocateWithHandle(4096);
            assertEquals(E_NTX_INTERNAL_ERROR, component.ntxMapRtSharedMemory(0x4E58_0000L | rtHandle).status());
            component.bindBackend(store.backend, Map.of());
            assertTrue(component.ntxMapRtSharedMemory(imported(component.personality(), rtHandle)).succeeded());
            component.unbindBackend(store.backend);
            assertEquals(0, component.personality().mappedHandles());
            component.deactivate(5); // disposed: the process ends
        }
    }

    /**
     * An update of the NTX bundle while the JVM lives (issue 10): the memory the Windows process allocated is kept for
     * the next revision, its handle names the same bytes, the cached mapping of the old revision is gone (the next
     * revision maps afresh; the old pointer fails cleanly) and the process still frees its memory once.
     */
    @Test
    void allocationsOutliveAnUpdateOfTheBundle() throws IOException {
        try (NtxFixture store = new NtxFixture()) {
            shm.provider.mmap.MmapBackend backend = store.track(
                    new shm.provider.mmap.MmapBackend(shm.provider.mmap.MmapSettings.under(store.root)));
            backend.parkHoldsFor(java.time.Duration.ofMinutes(1));
            Map<String, Object> properties = Map.of(shm.api.spi.ShmBackend.NAMESPACE_PROPERTY, "the-store");
            NtxPersonalityComponent first = component(config(Map.of()));
            first.bindBackend(backend, properties);
            long segment = first.ntxAllocateRtMemory(shm.api.ntx.NtxConstants.NTX_LOCAL, 4096).handle();
            java.lang.foreign.MemorySegment old = first.ntxMapRtSharedMemory(segment).address();
            old.setString(0, "allocated by the first revision");
            first.deactivate(6); // the bundle stopped: an update
            first.unbindBackend(backend);
            assertThrows(IllegalStateException.class, () -> old.getString(0), "the old pointer fails cleanly");
            assertEquals(shm.api.ntx.NtxConstants.NTX_TYPE_RT_SHARED_MEMORY, store.windows().ntxGetType(segment),
                    "the memory and its GDT slot live on");

            NtxPersonalityComponent next = component(config(Map.of()));
            next.bindBackend(backend, properties);
            assertEquals(1, next.personality().allocations());
            assertEquals("allocated by the first revision",
                    next.ntxMapRtSharedMemory(segment).address().getString(0));
            assertEquals(E_OK, next.ntxUnmapRtSharedMemory(segment));
            assertEquals(E_OK, next.ntxFreeRtMemory(segment), "the process still owns its memory");
            next.deactivate(5);
            assertTrue(backend.list().isEmpty(), "nothing is left, the kept state included: " + backend.list());
        }
    }

    /** The component as SCR makes it, outside a framework that stops. */
    static NtxPersonalityComponent component(NtxPersonalityComponent.Config config) {
        return new NtxPersonalityComponent(config, "shm.kept.ntx.test", () -> false, () -> false);
    }
}
