package shm.shell;

import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The command-line entry point of a runtime started by the bnd launcher ({@code java -jar runtime.jar [arguments]}).
 *
 * <p>Only when the framework property {@value #ENABLE_PROPERTY} is {@code true} (a runtime opts in; tests and other
 * launchers that want the launcher's main thread for themselves do not), this component hands the launcher a
 * {@code main.thread} {@link Callable}: the launcher calls it on its main thread with the process's arguments and
 * exits with the code it answers (see {@link CommandLineRun} and {@link Invocation}). Without arguments that is an
 * interactive Gogo shell that ends with its input; with arguments, the commands run once and the process exits.
 *
 * <p>Framework properties that shape it:
 * <ul>
 * <li>{@value #PATIENCE_PROPERTY}: seconds to wait for the {@code shm} commands before giving up (default
 * {@value #DEFAULT_PATIENCE_SECONDS});</li>
 * <li>{@value #CONSOLE_START_LEVEL_PROPERTY}: the framework start level at which Gogo's shell bundle starts. A
 * runtime places that bundle above its beginning start level, so that it does not start at all when commands
 * run from the command line (a shell bundle starting while the framework already stops again fails noisily); the
 * interactive shell raises the framework to this level first. Unset: the start level is left alone.</li>
 * </ul>
 * The runtime should also set {@code gosh.args=--nointeractive} so that the Gogo shell bundle does not start a
 * second console of its own.
 */
@Component(immediate = true)
public final class CommandLineEntry {

    /** Framework property that enables the entry point when {@code true}. */
    public static final String ENABLE_PROPERTY = "shm.shell.entrypoint";
    /** Framework property: seconds to wait for the commands to be registered. */
    public static final String PATIENCE_PROPERTY = "shm.shell.entrypoint.wait";
    /** Framework property: the start level to raise the framework to before the interactive shell starts. */
    public static final String CONSOLE_START_LEVEL_PROPERTY = "shm.shell.entrypoint.console.startlevel";
    /** Seconds to wait for the commands when {@value #PATIENCE_PROPERTY} is not set. */
    public static final long DEFAULT_PATIENCE_SECONDS = 20;

    /** Service property of the bnd launcher's own service that holds the arguments of {@code main}. */
    static final String LAUNCHER_ARGUMENTS = "launcher.arguments";
    /** Service property with which the bnd launcher picks the callable to run on its main thread. */
    static final String MAIN_THREAD = "main.thread";

    private final ServiceRegistration<?> registration;

    /**
     * Registers the main-thread callable when enabled; does nothing otherwise. When {@value #PATIENCE_PROPERTY} or
     * {@value #CONSOLE_START_LEVEL_PROPERTY} is not a positive whole number, the callable only says so and ends the
     * process with exit code {@value CommandLineRun#BAD_ARGUMENTS}.
     *
     * @param context   this bundle's context
     * @param launcher  the service properties of the bnd launcher, which registers itself once the framework runs
     * @param processor Gogo's command processor
     */
    @Activate
    public CommandLineEntry(BundleContext context,
            @Reference(name = "launcher", service = Object.class, target = "(launcher.ready=true)")
            Map<String, Object> launcher,
            @Reference(name = "processor") CommandProcessor processor) {
        if (!Boolean.parseBoolean(context.getProperty(ENABLE_PROPERTY))) {
            this.registration = null;
            return;
        }
        String[] arguments = launcher.get(LAUNCHER_ARGUMENTS) instanceof String[] given ? given : new String[0];
        ProcessStreams streams = ProcessStreams.ofProcess();
        Callable<Integer> mainThread;
        try {
            Duration patience = Duration.ofSeconds(positive(context, PATIENCE_PROPERTY, DEFAULT_PATIENCE_SECONDS));
            int consoleLevel = (int) positive(context, CONSOLE_START_LEVEL_PROPERTY, 0);
            mainThread = new CommandLineRun(Invocation.parse(arguments), processor, new ServiceArrival(context),
                    patience, () -> raiseStartLevel(context, consoleLevel), streams);
        } catch (IllegalArgumentException unusable) {
            mainThread = new UnusableSettings(unusable.getMessage(), streams);
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(MAIN_THREAD, "true");
        this.registration = context.registerService(Callable.class, mainThread, properties);
    }

    /** Withdraws the callable, if it was registered. */
    @Deactivate
    void withdraw() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyUnregistered) {
                // The framework unregisters a stopping bundle's services itself; nothing is left to do.
            }
        }
    }

    /** Raises (never lowers) the framework's start level to {@code level}; does nothing for 0. */
    private static void raiseStartLevel(BundleContext context, int level) {
        if (level <= 0) {
            return;
        }
        FrameworkStartLevel framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION)
                .adapt(FrameworkStartLevel.class);
        if (framework.getStartLevel() < level) {
            framework.setStartLevel(level);
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
