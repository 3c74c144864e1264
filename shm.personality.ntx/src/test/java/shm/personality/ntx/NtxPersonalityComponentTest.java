package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.E_NTX_INTERNAL_ERROR;
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
        NtxPersonalityComponent component = new NtxPersonalityComponent(config(Map.of()));
        assertEquals(NtxSettings.defaults(), component.settings());
    }

    @Test
    void theConfigurationDecidesNodesAndStrictness() {
        NtxPersonalityComponent component = new NtxPersonalityComponent(config(Map.of("ntx_hostNode", 2L,
                "ntx_sharedNodes", new long[] {3, 4}, "ntx_strictCache", true)));
        assertEquals(new NtxSettings(2, Set.of(3L, 4L), true), component.settings());
    }

    @Test
    void callsFailWithENtxInternalErrorUntilABackendIsBound() throws IOException {
        try (NtxFixture store = new NtxFixture()) {
            NtxPersonalityComponent component = new NtxPersonalityComponent(config(Map.of()));
            int rtHandle = store.rt().allocateWithHandle(4096);
            assertEquals(E_NTX_INTERNAL_ERROR, component.ntxMapRtSharedMemory(0x4E58_0000L | rtHandle).status());
            component.bindBackend(store.backend, Map.of());
            assertTrue(component.ntxMapRtSharedMemory(imported(component.personality(), rtHandle)).succeeded());
            component.unbindBackend(store.backend);
            assertEquals(0, component.personality().mappedHandles());
            component.deactivate();
        }
    }
}
