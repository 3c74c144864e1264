package shm.itest;

import java.nio.file.Path;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * What every integration test shares: one framework per test class ({@link ShmFramework}), the probe's bundle
 * context, the services it found and the backend's root directory.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class ShmTestBase {

    /** The test probe's context, injected by Pax Exam. */
    @Inject
    protected BundleContext context;

    /** The services this test found; released after each test. */
    protected Services services;

    /** The mmap backend's root directory. */
    protected RootDir root;

    /** The framework of {@link ShmFramework} with a root directory of this test class. */
    @Configuration
    public Option[] configuration() {
        return ShmFramework.forTest(getClass());
    }

    /** Opens the service lookups and finds the root. */
    @Before
    public void openServices() {
        services = new Services(context);
        root = new RootDir(Path.of(context.getProperty(ShmFramework.ROOT)));
    }

    /** Releases the services this test used. */
    @After
    public void closeServices() {
        services.close();
    }
}
