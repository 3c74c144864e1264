package shm.api;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A C struct declared once and read like a field, for code ported from C that reads and writes structs through a
 * mapped pointer. {@link #of} lays the fields out as a C compiler does on x86-64 and ARM64 (each field at the next
 * multiple of its alignment, the size a multiple of the largest alignment), so the Java declaration lists the same
 * fields in the same order as the C one and no padding is written by hand. {@link #field} gives a {@link VarHandle}
 * whose only coordinate is the struct's segment; {@link #at} checks that a mapping holds the struct.
 *
 * <pre>{@code
 * // typedef struct { uint32_t seq; double setpoint; uint16_t flags; } PLC_IMAGE;   (C: 24 bytes)
 * static final CStruct PLC_IMAGE = CStruct.of(
 *         JAVA_INT.withName("seq"), JAVA_DOUBLE.withName("setpoint"), JAVA_SHORT.withName("flags"));
 * static final VarHandle SEQ = PLC_IMAGE.field("seq");
 * static final VarHandle SETPOINT = PLC_IMAGE.field("setpoint");
 *
 * MemorySegment image = PLC_IMAGE.at(mapping, 0);     // PLC_IMAGE *image = (PLC_IMAGE *) location;
 * SETPOINT.set(image, 42.5);                          // image->setpoint = 42.5;
 * int seq = (int) SEQ.getVolatile(image);             // seq = ((volatile PLC_IMAGE *) image)->seq;
 * }</pre>
 *
 * @param layout the struct's layout, padding included
 * @since 1.1
 */
public record CStruct(StructLayout layout) {

    /** Checks that the layout is present. */
    public CStruct {
        Objects.requireNonNull(layout, "layout");
    }

    /**
     * The struct of these fields in this order, padded as C pads them.
     *
     * @param fields the fields, each named ({@link MemoryLayout#withName})
     * @throws IllegalArgumentException for a field without a name or a struct without fields
     */
    public static CStruct of(MemoryLayout... fields) {
        if (fields.length == 0) {
            throw new IllegalArgumentException("a C struct has at least one field");
        }
        List<MemoryLayout> members = new ArrayList<>();
        long offset = 0;
        long maxAlignment = 1;
        for (MemoryLayout field : fields) {
            if (field.name().isEmpty()) {
                throw new IllegalArgumentException("every field needs a name (withName): " + field);
            }
            long alignment = field.byteAlignment();
            long padding = (alignment - offset % alignment) % alignment;
            if (padding > 0) {
                members.add(MemoryLayout.paddingLayout(padding));
            }
            members.add(field);
            offset += padding + field.byteSize();
            maxAlignment = Math.max(maxAlignment, alignment);
        }
        long tail = (maxAlignment - offset % maxAlignment) % maxAlignment;
        if (tail > 0) {
            members.add(MemoryLayout.paddingLayout(tail));
        }
        return new CStruct(MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new)));
    }

    /** {@code sizeof} the struct, padding included. */
    public long byteSize() {
        return layout.byteSize();
    }

    /** {@code offsetof} a field. */
    public long offsetOf(String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /**
     * A handle on one field whose only coordinate is a segment holding the struct at its start (see {@link #at}):
     * {@code get(segment)}, {@code set(segment, value)}, and the volatile and atomic access modes.
     *
     * @throws IllegalArgumentException when the struct has no such field
     */
    public VarHandle field(String field) {
        VarHandle handle = layout.varHandle(MemoryLayout.PathElement.groupElement(field));
        return MethodHandles.insertCoordinates(handle, 1, 0L);
    }

    /**
     * The struct at {@code offset} of a mapping, as a segment of exactly {@link #byteSize()} bytes:
     * {@code (STRUCT *) ((char *) location + offset)}, checked.
     *
     * @throws IndexOutOfBoundsException when the mapping does not hold the whole struct there
     * @throws IllegalArgumentException  when the address is not aligned as the struct needs
     */
    public MemorySegment at(MemorySegment mapping, long offset) {
        MemorySegment view = mapping.asSlice(offset, layout.byteSize());
        if (view.address() % layout.byteAlignment() != 0) {
            throw new IllegalArgumentException("the struct needs " + layout.byteAlignment() + "-byte alignment;"
                    + " address 0x" + Long.toHexString(view.address()) + " is not");
        }
        return view;
    }
}
