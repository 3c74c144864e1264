package shm.shell.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Writes what the OSGi Log Service records to a rotating file under the platform home ({@code log/shm.log.0} the
 * newest, then {@code log/shm.log.1}, ...; the JDK's {@link FileHandler} rotates) and, from a threshold on, to the console's
 * standard error, one line per entry: {@code time level bundle message}. Which entries reach the Log Service at all is
 * set per bundle by the Log Service's own configuration ({@code etc/org.osgi.service.log.admin.cfg}); the threshold
 * of the console and the file's size and count are this component's configuration (PID {@value #PID}). What was
 * logged before the component listened (other components started first, or it was restarting for a new
 * configuration) is written when it starts listening, from the Log Service's history ({@link LogBacklog}).
 */
@Component(immediate = true, configurationPid = LogFile.PID)
@Designate(ocd = LogFile.Config.class)
public final class LogFile implements LogListener {

    /** The configuration PID. */
    public static final String PID = "shm.log";

    /** The log's settings. */
    @ObjectClassDefinition(name = "shm log file", description = "Where the runtime's log goes: a rotating file under"
            + " <shm.home>/log and the console.")
    public @interface Config {

        /** Console threshold. */
        @AttributeDefinition(name = "Console level", description = "Entries at this level or more severe are also"
                + " printed on the console's standard error (OFF: none).",
                options = {
                    @org.osgi.service.metatype.annotations.Option(value = "ERROR"),
                    @org.osgi.service.metatype.annotations.Option(value = "WARN"),
                    @org.osgi.service.metatype.annotations.Option(value = "INFO"),
                    @org.osgi.service.metatype.annotations.Option(value = "DEBUG"),
                    @org.osgi.service.metatype.annotations.Option(value = "OFF")})
        String consoleLevel() default "WARN";

        /** File size. */
        @AttributeDefinition(name = "File size (bytes)", description = "Size after which the file rotates.",
                min = "1024")
        int fileSize() default 1 << 20;

        /** File count. */
        @AttributeDefinition(name = "Files kept", description = "How many files rotate (shm.log, shm.log.1, ...).",
                min = "1", max = "100")
        int fileCount() default 5;
    }

    /** The file of this bundle's data area that keeps when the last log component stopped listening. */
    static final String STOPPED_AT = "log-listener-stopped-at";

    private final LogReaderService reader;
    private final LogBacklog backlog;
    private final FileHandler file;
    private final LogLevel consoleLevel;
    private final PrintStream console = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err),
            true, StandardCharsets.UTF_8);

    /**
     * Opens the file and listens to the Log Service.
     *
     * @param config  the settings
     * @param context for the home ({@code shm.home}); without a home the file goes to the working directory's
     *                {@code log/}
     * @param reader  the Log Service's reader
     * @throws IOException when the file cannot be opened
     */
    @Activate
    public LogFile(Config config, BundleContext context, @Reference LogReaderService reader) throws IOException {
        String home = context.getProperty("shm.home");
        this.consoleLevel = "OFF".equals(config.consoleLevel()) ? null : LogLevel.valueOf(config.consoleLevel());
        if (home == null || home.isBlank()) {
            // No platform home (an embedding framework, the in-framework tests): the console only.
            this.file = null;
            this.reader = reader;
            this.backlog = new LogBacklog(dataFile(context));
            listen();
            return;
        }
        Path folder = Path.of(home.strip()).resolve("log");
        Files.createDirectories(folder);
        this.file = new FileHandler(folder.toAbsolutePath().toString().replace("%", "%%") + "/shm.log.%g",
                config.fileSize(), config.fileCount(), true);
        this.file.setEncoding(StandardCharsets.UTF_8.name());
        this.file.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                return record.getMessage() + System.lineSeparator();
            }
        });
        this.reader = reader;
        this.backlog = new LogBacklog(dataFile(context));
        listen();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler handler : root.getHandlers()) {
            if (handler instanceof java.util.logging.ConsoleHandler) {
                root.removeHandler(handler);
                replacedConsole = handler;
            }
        }
        root.addHandler(julBridge);
    }

    private static Path dataFile(BundleContext context) {
        java.io.File data = context.getDataFile(STOPPED_AT);
        return data == null ? null : data.toPath();
    }

    private void listen() {
        synchronized (backlog) {
            backlog.listen(reader, this, this::write);
        }
    }

    /** Stops listening, gives java.util.logging its console back, and closes the file. */
    @Deactivate
    void close() {
        synchronized (backlog) {
            backlog.stop(reader, this);
        }
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.removeHandler(julBridge);
        if (replacedConsole != null) {
            root.addHandler(replacedConsole);
        }
        if (file != null) {
            file.close();
        }
    }

    /** Records of java.util.logging (libraries and bundles that use it) go to the same file and console. */
    private final java.util.logging.Handler julBridge = new java.util.logging.Handler() {
        @Override
        public void publish(LogRecord record) {
            LogLevel level = record.getLevel().intValue() >= Level.SEVERE.intValue() ? LogLevel.ERROR
                    : record.getLevel().intValue() >= Level.WARNING.intValue() ? LogLevel.WARN
                    : record.getLevel().intValue() >= Level.INFO.intValue() ? LogLevel.INFO : LogLevel.DEBUG;
            String message = record.getMessage();
            if (record.getParameters() != null && message != null) {
                message = java.text.MessageFormat.format(message, record.getParameters());
            }
            String line = Instant.ofEpochMilli(record.getMillis()) + " " + String.format("%-5s", level) + " "
                    + record.getLoggerName() + " " + String.valueOf(message).replace('\n', ' ');
            if (file != null) {
                file.publish(new LogRecord(Level.INFO, line));
            }
            if (consoleLevel != null && level.ordinal() <= consoleLevel.ordinal()) {
                console.println(line);
            }
        }

        @Override
        public void flush() {
            if (file != null) {
                file.flush();
            }
        }

        @Override
        public void close() {
            // the file is closed with the component
        }
    };
    private java.util.logging.Handler replacedConsole;

    @Override
    public void logged(LogEntry entry) {
        synchronized (backlog) {
            if (!backlog.alreadyWritten(entry)) {
                write(entry);
            }
        }
    }

    /** Writes one entry to the file and, from the threshold on, to the console. */
    private void write(LogEntry entry) {
        String logger = entry.getLoggerName();
        // Felix Log names the loggers of framework events Events.<kind>.<bundle>, e.g. Events.Bundle.shm.shell
        if (logger != null && logger.startsWith("Events.") && entry.getLogLevel().ordinal() > LogLevel.WARN.ordinal()
                && !logger.startsWith("Events.Bundle.")) {
            return; // one line per service registration or framework event is noise; bundle events are kept
        }
        String line = line(entry);
        String withTrace = entry.getException() == null ? line : line + System.lineSeparator() + trace(entry);
        if (file != null) {
            file.publish(new LogRecord(Level.INFO, withTrace));
        }
        if (consoleLevel != null && entry.getLogLevel().ordinal() <= consoleLevel.ordinal()) {
            console.println(line);
        }
    }

    /** One line for an entry: time, level, bundle, message, and the exception's type and message. */
    static String line(LogEntry entry) {
        String bundle = entry.getBundle() == null ? "-" : String.valueOf(entry.getBundle().getSymbolicName());
        String message = String.valueOf(entry.getMessage()).replace('\n', ' ');
        Throwable failure = entry.getException();
        String cause = failure == null ? "" : " (" + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage().replace('\n', ' ')) + ")";
        return Instant.ofEpochMilli(entry.getTime()) + " " + String.format("%-5s", entry.getLogLevel()) + " "
                + bundle + " " + message + cause;
    }

    private static String trace(LogEntry entry) {
        java.io.StringWriter out = new java.io.StringWriter();
        entry.getException().printStackTrace(new java.io.PrintWriter(out));
        return out.toString().stripTrailing();
    }
}
