package shm.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToLongFunction;

import shm.api.MapOptions;

/**
 * The personalities' overhead over the backend call, measured in one JVM: rounds of open→map→close cycles through the
 * backend's SPI, the RTX personality, an INtime process's iwin32 calls and the neutral service ({@link OpenPaths}), the
 * paths taking turns in every round, for an object held by another process and one held by this process. Taking turns
 * within one JVM puts each path under the same load, JIT state and threads, which separate JMH forks do not (their
 * differences are larger than the overhead they are to show). Prints, per path and case, the median rate over the
 * rounds, and the overhead as the median over rounds of (backend rate ÷ path rate − 1).
 *
 * <pre>
 *   java -cp ... shm.bench.OverheadCycles ROOT CYCLES ROUNDS
 * </pre>
 */
public final class OverheadCycles {

    private OverheadCycles() {
    }

    /** {@code ROOT CYCLES ROUNDS}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        try (OpenPaths paths = new OpenPaths(root.resolve("store"))) {
            for (String name : new String[] {OpenPaths.ELSEWHERE, OpenPaths.HERE}) {
                measure(name, cycles, rounds, new String[] {"backend", "rtx", "iwin32", "neutral"},
                        new ToLongFunction[] {
                            n -> paths.backendCycle((String) n, MapOptions.DEFAULT),
                            n -> paths.rtxCycle((String) n),
                            n -> paths.iwin32Cycle((String) n),
                            n -> paths.neutralCycle((String) n)});
            }
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void measure(String name, int cycles, int rounds, String[] labels, ToLongFunction[] paths) {
        double[][] rates = new double[paths.length][rounds + 1];
        for (int round = 0; round <= rounds; round++) {   // round 0 warms up and is not counted
            for (int p = 0; p < paths.length; p++) {
                long sink = 0;
                long start = System.nanoTime();
                for (int i = 0; i < cycles; i++) {
                    sink += paths[p].applyAsLong(name);
                }
                rates[p][round] = cycles * 1e9 / (System.nanoTime() - start) + (sink == 42 ? 1e-9 : 0);
            }
        }
        String held = name.equals(OpenPaths.HERE) ? "here" : "elsewhere";
        for (int p = 0; p < paths.length; p++) {
            double[] counted = Arrays.copyOfRange(rates[p], 1, rounds + 1);
            double[] overhead = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                overhead[r] = (rates[0][r + 1] / rates[p][r + 1] - 1) * 100;
            }
            System.out.printf(Locale.ROOT, "OVERHEAD path=%s held=%s per_s=%.0f overhead_pct=%.1f rounds=%d cycles=%d%n",
                    labels[p], held, median(counted), median(overhead), rounds, cycles);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
