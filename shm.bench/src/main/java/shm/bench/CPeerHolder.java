package shm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding an object of a store: the C peer of {@code examples/c} ({@code shm_peer ROOT NAME create
 * SIZE hold}), built by {@code shm.bench/run.sh}, whose path the environment variable {@value #PEER_ENV} names. It
 * creates the object, prints {@code READY} and keeps its handle until {@link #close()} writes a line to its input.
 */
final class CPeerHolder implements AutoCloseable {

    /** Environment variable with the path of the compiled C peer. */
    static final String PEER_ENV = "SHM_BENCH_PEER";

    private final Process process;
    private final Writer input;

    private CPeerHolder(Process process) {
        this.process = process;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts the peer and waits until it holds {@code name} in the store at {@code root}. */
    static CPeerHolder hold(Path root, String name, long size) throws IOException {
        String peer = System.getenv(PEER_ENV);
        if (peer == null || !Files.isExecutable(Path.of(peer))) {
            throw new IllegalStateException(PEER_ENV + " must name the compiled examples/c/shm_peer (run.sh builds it)");
        }
        Process process = new ProcessBuilder(peer, root.toString(), name, "create", Long.toString(size), "hold")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CPeerHolder holder = new CPeerHolder(process);
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = output.readLine(); ; line = output.readLine()) {
            if (line == null) {
                holder.close();
                throw new IllegalStateException("the C peer ended before it held " + name);
            }
            if (line.startsWith("READY")) {
                return holder;
            }
        }
    }

    /** Lets the peer close its handle and leave the store, and waits for its end. */
    @Override
    public void close() throws IOException {
        try {
            input.write("close\n");
            input.close();
        } catch (IOException gone) {
            // the peer ended already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
