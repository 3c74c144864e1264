package shm.shell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The command-line entry point of a runtime started by the bnd launcher ({@code java -jar runtime.jar [arguments]}).
 *
 * <p>Only when the framework property {@value #ENABLE_PROPERTY} is {@code true} (a runtime opts in; tests and other
 * launchers that want the launcher's main thread for themselves do not), this component hands the launcher a
 * {@code main.thread} {@link Callable}: the launcher calls it on its main thread with the process's arguments and
 * exits with the code it answers (see {@link CommandLineRun} and {@link Invocation}). Without arguments that is
 * Gogo's interactive JLine console, which ends with its input; with arguments, the commands run once and the process
 * exits. It also registers a shutdown hook ({@link FrameworkShutdown}) so that SIGTERM, Ctrl-C outside the console
 * and {@code System.exit} stop the framework cleanly, which releases every hold.
 *
 * <p>Framework properties that shape it:
 * <ul>
 * <li>{@value #PATIENCE_PROPERTY}: seconds to wait for the {@code shm} commands before giving up (default
 * {@value #DEFAULT_PATIENCE_SECONDS});</li>
 * <li>{@value #PLATFORM_START_LEVEL_PROPERTY}: the start level of the shm bundles, raised to once the configuration
 * files of {@code <shm.home>/etc} are in Configuration Admin (unset: the start level is left alone);</li>
 * <li>{@value #CONSOLE_START_LEVEL_PROPERTY}: the start level at which Gogo's console bundle starts; the interactive
 * console raises the framework to it (unset: left alone).</li>
 * </ul>
 * When shm.shell is updated while the console runs, the callable of the old revision answers the launcher's
 * "listen again" code ({@value CommandLineRun#RELISTEN}), and the launcher runs the callable of the new revision:
 * the console goes on with the current revision.
 *
 * <p>While the console or a served runtime ({@code --serve}) runs, the command lines of the same home hand their
 * commands to it instead of starting a runtime of their own ({@link AttachedCommands}), unless the framework property
 * {@value #ATTACH_PROPERTY} is {@code false}.
 */
@Component(immediate = true)
public final class CommandLineEntry {

    /** Framework property that enables the entry point when {@code true}. */
    public static final String ENABLE_PROPERTY = "shm.shell.entrypoint";
    /** Framework property: seconds to wait for the commands to be registered. */
    public static final String PATIENCE_PROPERTY = "shm.shell.entrypoint.wait";
    /** Framework property: the start level of the shm bundles. */
    public static final String PLATFORM_START_LEVEL_PROPERTY = "shm.shell.entrypoint.shm.startlevel";
    /** Framework property: the start level to raise the framework to before the interactive shell starts. */
    public static final String CONSOLE_START_LEVEL_PROPERTY = "shm.shell.entrypoint.console.startlevel";
    /** Framework or system property: the platform home, whose {@code etc/} holds the configuration files. */
    public static final String HOME_PROPERTY = "shm.home";
    /**
     * Framework or system property: {@code false} keeps this runtime from running the commands of other command lines
     * of its home (and, read by the jar's launcher agent, a command line from handing its command to a running
     * runtime).
     */
    public static final String ATTACH_PROPERTY = "shm.attach";
    /** Seconds to wait for the commands when {@value #PATIENCE_PROPERTY} is not set. */
    public static final long DEFAULT_PATIENCE_SECONDS = 20;

    /** Service property of the bnd launcher's own service that holds the arguments of {@code main}. */
    static final String LAUNCHER_ARGUMENTS = "launcher.arguments";
    /** Service property with which the bnd launcher picks the callable to run on its main thread. */
    static final String MAIN_THREAD = "main.thread";

    /** How long a run that ends at once waits for FileInstall's watcher of etc/ before the framework stops. */
    private static final Duration ETC_WATCHER_PATIENCE = Duration.ofSeconds(5);

    private final ServiceRegistration<?> registration;
    private final ServiceRegistration<?> listener;
    private final FrameworkStages stages;
    private final FrameworkShutdown shutdown;

    /**
     * Registers the main-thread callable when enabled; does nothing otherwise. When a property is not a positive
     * whole number, the callable only says so and ends the process with exit code
     * {@value CommandLineRun#BAD_ARGUMENTS}.
     *
     * @param context        this bundle's context
     * @param launcher       the service properties of the bnd launcher, which registers itself once the framework runs
     * @param processor      Gogo's command processor
     * @param configurations Configuration Admin, to wait for the configuration files
     * @param components     Declarative Services, to wait for the shm bundles' components
     * @param loggers        the log
     */
    @Activate
    public CommandLineEntry(BundleContext context,
            @Reference(name = "launcher", service = Object.class, target = "(launcher.ready=true)")
            Map<String, Object> launcher,
            @Reference(name = "processor") CommandProcessor processor,
            @Reference(name = "configurations") ConfigurationAdmin configurations,
            @Reference(name = "components")
            org.osgi.service.component.runtime.ServiceComponentRuntime components,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        if (!Boolean.parseBoolean(context.getProperty(ENABLE_PROPERTY))) {
            this.registration = null;
            this.listener = null;
            this.stages = null;
            this.shutdown = null;
            return;
        }
        String[] arguments = launcher.get(LAUNCHER_ARGUMENTS) instanceof String[] given ? given : new String[0];
        ProcessStreams streams = ProcessStreams.ofProcess();
        Callable<Integer> mainThread;
        FrameworkStages frameworkStages = null;
        try {
            Duration patience = Duration.ofSeconds(positive(context, PATIENCE_PROPERTY, DEFAULT_PATIENCE_SECONDS));
            int platformLevel = (int) positive(context, PLATFORM_START_LEVEL_PROPERTY, 0);
            int consoleLevel = (int) positive(context, CONSOLE_START_LEVEL_PROPERTY, 0);
            String home = context.getProperty(HOME_PROPERTY);
            Path homeFolder = home == null || home.isBlank() ? null : Path.of(home.strip());
            Path etc = homeFolder == null ? null : homeFolder.resolve("etc");
            frameworkStages = new FrameworkStages(context, configurations, components, etc, platformLevel, consoleLevel, logger);
            ServiceWait serviceWait = new ServiceArrival(context);
            // A handed-over command runs once this runtime has started: its start's waits are not made again.
            RuntimeStages started = new StartedPlatform();
            AttachedCommands.CommandRunner handedOver = (given, connection) -> switch (
                    Invocation.parse(given.toArray(String[]::new))) {
                case Invocation.Serve serve -> alreadyServed(homeFolder, connection);
                case Invocation invocation -> new CommandLineRun(invocation, processor, serviceWait, patience,
                        started, connection, () -> Listening.NOWHERE, true).call();
            };
            boolean attach = homeFolder != null && !"false".equalsIgnoreCase(
                    String.valueOf(context.getProperty(ATTACH_PROPERTY)).strip());
            mainThread = new CommandLineRun(Invocation.parse(arguments), processor, serviceWait, patience,
                    frameworkStages, streams,
                    attach ? () -> AttachedCommands.listen(homeFolder, handedOver, logger) : () -> Listening.NOWHERE,
                    false);
        } catch (IllegalArgumentException unusable) {
            mainThread = new UnusableSettings(unusable.getMessage(), streams);
        }
        String homeSetting = context.getProperty(HOME_PROPERTY);
        Path etcFolder = homeSetting == null || homeSetting.isBlank() ? null : Path.of(homeSetting.strip(), "etc");
        // A run that ends at once must not stop the framework under FileInstall's feet (see EtcWatcherStarted).
        mainThread = new EtcWatcherStarted.Then(mainThread, context, etcFolder, ETC_WATCHER_PATIENCE);
        this.stages = frameworkStages;
        this.listener = frameworkStages == null ? null
                : context.registerService(CommandSessionListener.class, frameworkStages, null);
        this.shutdown = FrameworkShutdown.register(context, logger);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(MAIN_THREAD, "true");
        this.registration = context.registerService(Callable.class, mainThread, properties);
    }

    /** Withdraws the callable, if it was registered, and ends a console that waits for its end. */
    @Deactivate
    void withdraw() {
        unregister(registration);
        unregister(listener);
        if (stages != null) {
            stages.withdrawn();
        }
        if (shutdown != null) {
            shutdown.withdraw();
        }
    }

    /** A command line asked to serve while this runtime serves its home: refused, as a second runtime would be. */
    private static int alreadyServed(Path home, ProcessStreams connection) {
        PrintStream errors = new PrintStream(connection.err(), true, StandardCharsets.UTF_8);
        errors.println("error: a runtime of the home " + home + " runs already (process "
                + ProcessHandle.current().pid() + ") and takes the commands of its command lines; stop it first");
        return CommandLineRun.BAD_ARGUMENTS;
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyUnregistered) {
                // The framework unregisters a stopping bundle's services itself; nothing is left to do.
            }
        }
    }

    private static long positive(BundleContext context, String property, long absent) {
        String value = context.getProperty(property);
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            long number = Long.parseLong(value.strip());
            if (number > 0 && number <= Integer.MAX_VALUE) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the property's name
        }
        throw new IllegalArgumentException(property + " must be a positive whole number: " + value);
    }
}
