package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.Test;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.cm.ConfigurationAdminOptions;
import org.osgi.framework.Bundle;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * The RTX vendor backend in a running framework, its library a <b>test double</b> of RtApi.dll at a path of this
 * test: the backend registers over it; a bundle update deactivates the component, which unloads the library, and the
 * new revision loads whatever file is at the path now (a changed library is picked up, not a cached one); a library
 * lacking a symbol leaves no service and one log record naming the library and the symbol.
 */
public class VendorBackendUpdateIT extends ShmTestBase {

    private static final String RTX = "(" + ShmBackend.TYPE_PROPERTY + "=rtx)";
    private static final String LOGGER = "shm.provider.rtx";

    /** The library path the backend is configured with: a copy of the double this test may replace. */
    private static Path library() {
        return Path.of(System.getProperty("shm.itest.tmp", "target/itest-tmp")).toAbsolutePath()
                .resolve("vendor").resolve("RtApi-testdouble.so");
    }

    private static void install(String property) {
        try {
            Files.createDirectories(library().getParent());
            Path next = library().resolveSibling("next.so");
            Files.copy(Path.of(System.getProperty(property)), next, StandardCopyOption.REPLACE_EXISTING);
            // A new inode: a mapping of the previous file, if any were left, would keep its own pages.
            Files.move(next, library(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The framework plus the RTX backend, configured to the double and ranked below mmap (the rest stays on mmap). */
    @Override
    @Configuration
    public Option[] configuration() {
        install("shm.testdouble.rtapi");
        Path bundles = Path.of(System.getProperty("shm.itest.vendor.bundles", "target/vendor-bundles"))
                .toAbsolutePath();
        return ShmFramework.forTest(getClass(),
                ConfigurationAdminOptions.newConfiguration("shm.provider.rtx")
                        .put("library", library().toString())
                        .put("systemLibrary", library().toString())
                        .put("service.ranking", -10).asOption(),
                bundle(bundles.resolve("shm.provider.rtx.jar").toUri().toString()).startLevel(3).start(true));
    }

    @Test
    public void aBundleUpdatePicksUpAChangedLibrary() throws Exception {
        ShmBackend rtx = services.await(ShmBackend.class, RTX, Await.DEFAULT);
        try (BackendHandle h = rtx.createOrOpen(ObjectType.SHARED_MEMORY, "itest.vendor", 4096, MapOptions.DEFAULT)) {
            h.segment().setString(0, "through the double");
            assertEquals("through the double", rtx.open(ObjectType.SHARED_MEMORY, "itest.vendor",
                    MapOptions.DEFAULT).segment().getString(0));
        }
        assertTrue("the library is mapped", mapped());
        Bundle bundle = Bundles.named(context, "shm.provider.rtx");

        List<String> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(LOGGER);
        logger.addHandler(handler);
        try {
            install("shm.testdouble.rtapi.nopulse");
            bundle.update();
            Await.until("the new revision's component ran", () -> !records.isEmpty());
            assertEquals(List.of(), services.references(ShmBackend.class, RTX));
            assertEquals(1, records.size());
            assertEquals("shm.provider.rtx: no backend registered: library '" + library() + "' has no entry point"
                    + " 'RtPulseEvent': the symbol is not exported (wrong library or version?)", records.getFirst());
            assertTrue("the old library was unloaded, the new file was loaded and let go again", !mapped());
            assertEquals("the platform runs on over mmap", 1, services.references(ShmBackend.class,
                    Services.MMAP).size());

            install("shm.testdouble.rtapi");
            bundle.update();
            ShmBackend again = services.await(ShmBackend.class, RTX, Await.DEFAULT);
            try (BackendHandle h = again.createOrOpen(ObjectType.SHARED_MEMORY, "itest.vendor.after", 64,
                    MapOptions.DEFAULT)) {
                assertEquals(64, h.byteSize());
            }
            assertEquals(1, records.size());
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static boolean mapped() throws IOException {
        String path = library().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(path));
    }
}
