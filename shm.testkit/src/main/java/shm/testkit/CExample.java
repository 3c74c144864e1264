package shm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The C example {@code examples/c/shm_peer.c}, compiled with the flags its README gives, for tests that let a C
 * program play the other side. A build either yields the binary or says why there is none (no gcc on the PATH), so
 * that a test can skip with that reason; a compile error is a failure, never a skip.
 *
 * @param binary      the compiled program, when there is one
 * @param unavailable why there is none, when there is none
 */
public record CExample(Optional<Path> binary, Optional<String> unavailable) {

    /**
     * Compiles {@code examples/c/shm_peer.c} of the repository this test runs in into {@code target/c-peer/} of the
     * current module.
     *
     * @throws IllegalStateException when the compiler rejects the source or the source cannot be found
     */
    public static CExample shmPeer() {
        Path source = repositoryRoot().resolve("examples/c/shm_peer.c");
        try {
            if (!gccAvailable()) {
                return new CExample(Optional.empty(), Optional.of("gcc is not installed (not on the PATH), so the C"
                        + " example " + source + " cannot be built"));
            }
            Path binary = Path.of("target", "c-peer", "shm_peer").toAbsolutePath();
            Files.createDirectories(binary.getParent());
            Process gcc = new ProcessBuilder("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-o",
                    binary.toString(), source.toString()).redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("gcc -std=c11 -Wall -Wextra -Werror failed on " + source + ":\n"
                        + output);
            }
            return new CExample(Optional.of(binary), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + source, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + source, e);
        }
    }

    /**
     * The C peer for a test whose other side must be C working on the mmap store itself: skips the test (JUnit
     * assumption) when the tests run over another backend ({@link BackendUnderTest#PROPERTY}: the C peer reads the
     * mmap store and blocks on its futex words) or when gcc is missing, with the reason.
     *
     * @return the compiled peer
     * @throws IllegalStateException when the compiler rejects the source
     */
    public static Path shmPeerOverMmapStore() {
        Assumptions.assumeTrue(System.getProperty(BackendUnderTest.PROPERTY, "").isBlank(),
                "needs the mmap backend (the C peer reads its store; waits block on its futex words)");
        CExample peer = shmPeer();
        Assumptions.assumeTrue(peer.binary().isPresent(), () -> peer.unavailable().orElse(""));
        return peer.binary().orElseThrow();
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("examples/c/shm_peer.c"))) {
                return dir;
            }
        }
        throw new IllegalStateException("examples/c/shm_peer.c not found above " + Path.of("").toAbsolutePath());
    }

    private static boolean gccAvailable() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
