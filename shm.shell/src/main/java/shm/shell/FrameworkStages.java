package shm.shell;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.Logger;

/**
 * The runtime stages in a real framework: start levels raised by {@link StartLevels}, the configuration files waited
 * for with {@link EtcReadiness}, failures at the console counted as a Gogo {@link CommandSessionListener}, and the
 * console's end signalled by {@link #withdrawn()} when the entry point is deactivated.
 */
final class FrameworkStages implements RuntimeStages, CommandSessionListener {

    private final BundleContext context;
    private final ConfigurationAdmin configurations;
    private final org.osgi.service.component.runtime.ServiceComponentRuntime components;
    /** Gogo's JLine console bundle and JLine's bundle. */
    static final String CONSOLE_BUNDLE = "org.apache.felix.gogo.jline";
    static final String JLINE_BUNDLE = "org.jline";

    private final AtomicReference<ClassLoader> lent = new AtomicReference<>();
    private final Path etc;
    private final int platformLevel;
    private final int consoleLevel;
    private final Logger logger;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<ConsoleEnd> end = new AtomicReference<>();
    private final AtomicInteger failures = new AtomicInteger();

    /**
     * Stages of the framework {@code context} belongs to.
     *
     * @param context        the entry point's bundle context
     * @param configurations Configuration Admin, where FileInstall puts the files of {@code etc}
     * @param components     Declarative Services, to wait until the shm bundles' immediate components are up
     * @param etc            the home's configuration folder, or {@code null} when there is none
     * @param platformLevel  the start level of the shm bundles (0: leave the start level alone)
     * @param consoleLevel   the start level of the console bundle (0: leave it alone)
     * @param logger         where to say which configuration files were not read in time
     */
    FrameworkStages(BundleContext context, ConfigurationAdmin configurations,
            org.osgi.service.component.runtime.ServiceComponentRuntime components, Path etc, int platformLevel,
            int consoleLevel, Logger logger) {
        this.context = Objects.requireNonNull(context, "context");
        this.configurations = Objects.requireNonNull(configurations, "configurations");
        this.components = Objects.requireNonNull(components, "components");
        this.etc = etc;
        this.platformLevel = platformLevel;
        this.consoleLevel = consoleLevel;
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    @Override
    public void startPlatform(Instant deadline) throws InterruptedException {
        List<Path> missing = EtcReadiness.await(configurations, EtcReadiness.files(etc), deadline, this::refused);
        for (Path file : missing) {
            logger.warn("configuration file {} was not read before the shm bundles started (see FileInstall's"
                    + " messages in the log)", file);
        }
        // Up to the deadline: the shm bundles started and their immediate components (the backend) activated, so
        // that a command sees the platform up, not half of it; past the deadline the commands run anyway.
        if (StartLevels.raiseAndAwait(context, platformLevel, deadline)) {
            ComponentsSettled.await(context, components, deadline);
        } else {
            logger.warn("the framework did not reach start level {} (the shm bundles) in time; commands may run"
                    + " before every backend is registered", platformLevel);
        }
    }

    /** Whether the configuration guard refused the file's latest content (so it never reaches Config Admin). */
    private boolean refused(Path file) {
        var reference = context.getServiceReference(shm.shell.runtime.ConfigurationGuard.class);
        if (reference == null) {
            return false;
        }
        var guard = context.getService(reference);
        try {
            return guard != null && guard.isRefusedFile(file);
        } finally {
            context.ungetService(reference);
        }
    }

    /**
     * Raises the framework to the console's start level. JLine finds its terminal providers through the thread's
     * context class loader, which on the framework's start-level thread is the launcher's and cannot see them (JLine
     * then falls back to a dumb terminal: no line editing, no signals); so while Gogo's console bundle starts, a
     * synchronous bundle listener, called on that thread, lends it JLine's own class loader.
     */
    @Override
    public void startConsole() {
        SynchronousBundleListener lender = event -> {
            if (!CONSOLE_BUNDLE.equals(event.getBundle().getSymbolicName())) {
                return;
            }
            if (event.getType() == BundleEvent.STARTING) {
                ClassLoader jline = jlineClassLoader();
                if (jline != null) {
                    lent.set(Thread.currentThread().getContextClassLoader());
                    Thread.currentThread().setContextClassLoader(jline);
                }
            } else if (event.getType() == BundleEvent.STARTED || event.getType() == BundleEvent.STOPPED) {
                ClassLoader before = lent.getAndSet(null);
                if (before != null) {
                    Thread.currentThread().setContextClassLoader(before);
                }
            }
        };
        context.addBundleListener(lender);
        StartLevels.raise(context, consoleLevel);
    }

    private ClassLoader jlineClassLoader() {
        for (Bundle bundle : context.getBundles()) {
            if (JLINE_BUNDLE.equals(bundle.getSymbolicName())) {
                BundleWiring wiring = bundle.adapt(BundleWiring.class);
                if (wiring != null) {
                    return wiring.getClassLoader();
                }
            }
        }
        return null;
    }

    @Override
    public ConsoleEnd awaitConsoleEnd() throws InterruptedException {
        ended.await();
        return end.get();
    }

    @Override
    public int consoleFailures() {
        return failures.get();
    }

    /** The entry point is going away: ends {@link #awaitConsoleEnd()}, telling whether the framework stops. */
    void withdrawn() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        boolean stopping = system == null || (system.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
        end.compareAndSet(null, stopping ? ConsoleEnd.FRAMEWORK_STOPPING : ConsoleEnd.WITHDRAWN);
        ended.countDown();
    }

    @Override
    public void beforeExecute(CommandSession session, CharSequence command) {
        // nothing to do before a command
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {
        // A command line's command run here for it (AttachedCommands) answers its own exit code.
        if (session.get(CommandLineRun.ATTACHED_VARIABLE) == null) {
            failures.incrementAndGet();
        }
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {
        // a command that succeeded
    }
}
