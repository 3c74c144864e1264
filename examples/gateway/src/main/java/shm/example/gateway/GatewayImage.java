package shm.example.gateway;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The layout of the data block both sides agree on, as a C programmer would write it:
 *
 * <pre>
 * typedef struct {
 *     char request[64];   // offset  0: the gateway's request, UTF-8, NUL-padded ("SETPOINT 42.5")
 *     char reply[64];     // offset 64: the real-time side's reply, UTF-8, NUL-padded ("ACK 42.5")
 * } GATEWAY_IMAGE;        // 128 bytes, in a block of 4096
 * </pre>
 */
final class GatewayImage {

    /** Bytes of each text field, the terminating NUL included. */
    static final int TEXT_BYTES = 64;
    /** Offset of {@code request}. */
    static final long REQUEST_OFFSET = 0;
    /** Offset of {@code reply}: right after the request. */
    static final long REPLY_OFFSET = REQUEST_OFFSET + TEXT_BYTES;
    /** The block's size: one page, which holds the two fields. */
    static final long SIZE = 4096;

    static {
        if (REPLY_OFFSET + TEXT_BYTES > SIZE) {
            throw new AssertionError("GATEWAY_IMAGE does not fit its block");
        }
    }

    private GatewayImage() {
    }

    /** Writes {@code text} NUL-padded into the field at {@code offset}. */
    static void writeText(MemorySegment block, long offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= TEXT_BYTES) {
            throw new IllegalArgumentException("at most " + (TEXT_BYTES - 1) + " bytes fit a field: " + text);
        }
        MemorySegment field = block.asSlice(offset, TEXT_BYTES);
        field.fill((byte) 0);
        MemorySegment.copy(bytes, 0, field, ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /** The text of the field at {@code offset}, up to its first NUL. */
    static String readText(MemorySegment block, long offset) {
        byte[] bytes = block.asSlice(offset, TEXT_BYTES).toArray(ValueLayout.JAVA_BYTE);
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
