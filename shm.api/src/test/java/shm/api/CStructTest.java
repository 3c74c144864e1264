package shm.api;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import org.junit.jupiter.api.Test;

/** {@link CStruct} lays fields out as a C compiler does and reads them like fields. */
class CStructTest {

    // typedef struct { uint32_t seq; double setpoint; uint16_t flags; char tag; } PLC_IMAGE;
    private static final CStruct PLC_IMAGE = CStruct.of(JAVA_INT.withName("seq"), JAVA_DOUBLE.withName("setpoint"),
            JAVA_SHORT.withName("flags"), JAVA_BYTE.withName("tag"));

    @Test
    void fieldsAreWhereACompilerPutsThem() {
        // gcc -m64: offsetof seq 0, setpoint 8, flags 16, tag 18; sizeof 24.
        assertEquals(0, PLC_IMAGE.offsetOf("seq"));
        assertEquals(8, PLC_IMAGE.offsetOf("setpoint"));
        assertEquals(16, PLC_IMAGE.offsetOf("flags"));
        assertEquals(18, PLC_IMAGE.offsetOf("tag"));
        assertEquals(24, PLC_IMAGE.byteSize());
    }

    @Test
    void aFieldReadsAndWritesLikeAStructMember() {
        VarHandle seq = PLC_IMAGE.field("seq");
        VarHandle setpoint = PLC_IMAGE.field("setpoint");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mapping = arena.allocate(4096, 4096);
            MemorySegment image = PLC_IMAGE.at(mapping, 48);
            setpoint.set(image, 42.5);
            seq.setVolatile(image, 7);
            assertEquals(42.5, mapping.get(JAVA_DOUBLE, 48 + 8));
            assertEquals(7, (int) seq.getVolatile(image));
            assertEquals(7, (int) seq.getAndAdd(image, 1), "atomic access modes work too");
            assertEquals(8, mapping.get(JAVA_INT, 48));
            assertThrows(IndexOutOfBoundsException.class, () -> PLC_IMAGE.at(mapping, 4096 - 8));
            assertThrows(IllegalArgumentException.class, () -> PLC_IMAGE.at(mapping, 4));
        }
    }

    @Test
    void everyFieldNeedsAName() {
        assertThrows(IllegalArgumentException.class, () -> CStruct.of(JAVA_INT));
        assertThrows(IllegalArgumentException.class, CStruct::of);
    }
}
