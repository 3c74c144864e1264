package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import shm.provider.mmap.SystemCalls.Call;
import shm.provider.mmap.sync.CallState;

/**
 * The system call numbers of {@link SystemCalls} are the kernel's: those of this machine against its C headers, the
 * AArch64 ones against the kernel's generic table ({@code asm-generic/unistd.h}, which AArch64 uses), both read
 * through the C preprocessor. A wrong number would make another call than the one named, so each is checked.
 */
class SystemCallsTest {

    /** errno: not an open descriptor. */
    private static final int EBADF = 9;
    private static final Pattern DEFINE = Pattern.compile("^#define (__NR\\w*) (\\w+)$", Pattern.MULTILINE);

    /** The kernel's name of a call where it differs from the label. */
    private static String kernelName(Call call) {
        return switch (call) {
            case PREAD -> "pread64";
            case PWRITE -> "pwrite64";
            case RENAMEAT -> "renameat2";
            default -> call.label;
        };
    }

    @Test
    void thisMachinesNumbersAreThoseOfItsHeaders() throws Exception {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        Map<String, String> macros = preprocessorMacros("#include <sys/syscall.h>\n");
        SystemCalls calls = new SystemCalls(new CallState());
        for (Call call : Call.values()) {
            long expected = number(macros, "__NR_" + kernelName(call));
            assertEquals(expected, calls.number(call), call + " on " + arch);
            assertEquals(expected, arm ? call.aarch64() : call.x86(), call + " on " + arch);
        }
    }

    @Test
    void theAarch64NumbersAreThoseOfTheGenericTable() throws Exception {
        Map<String, String> macros = preprocessorMacros(
                "#define __BITS_PER_LONG 64\n#define __ARCH_WANT_RENAMEAT\n#include <asm-generic/unistd.h>\n");
        for (Call call : Call.values()) {
            assertEquals(number(macros, "__NR_" + kernelName(call)), call.aarch64(), call.toString());
        }
    }

    @Test
    void aCallThatFailsAnswersMinusOneWithTheErrno() {
        CallState state = new CallState();
        SystemCalls calls = new SystemCalls(state);

        assertEquals(-1, calls.call(Call.CLOSE, -1));
        assertEquals(EBADF, state.errno());
    }

    /** The value of {@code name}, following macros that name other macros (the generic table's 32/64-bit names). */
    private static long number(Map<String, String> macros, String name) {
        String value = macros.get(name);
        for (int depth = 0; value != null && !value.chars().allMatch(Character::isDigit) && depth < 4; depth++) {
            value = macros.get(value);
        }
        assertNotNull(value, name + " is not defined by the headers");
        return Long.parseLong(value);
    }

    /** The macros the C preprocessor defines for {@code source}: {@code gcc -dM -E}. Skips without gcc. */
    private static Map<String, String> preprocessorMacros(String source) throws IOException, InterruptedException {
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-dM", "-E", "-x", "c", "-").redirectErrorStream(true).start();
        } catch (IOException noGcc) {
            Assumptions.abort("gcc is not installed, so the C headers cannot be read: " + noGcc.getMessage());
            throw noGcc;
        }
        gcc.getOutputStream().write(source.getBytes(StandardCharsets.US_ASCII));
        gcc.getOutputStream().close();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc did not finish");
        Assumptions.assumeTrue(gcc.exitValue() == 0, () -> "the C headers are not installed: " + output);
        Map<String, String> macros = new HashMap<>();
        Matcher define = DEFINE.matcher(output);
        while (define.find()) {
            macros.put(define.group(1), define.group(2));
        }
        return macros;
    }
}
