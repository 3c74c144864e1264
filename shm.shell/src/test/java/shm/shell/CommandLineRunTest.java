package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.SharedMemory;
import shm.core.NeutralSharedMemoryService;

/**
 * The command line run through the real Gogo runtime with the real shm commands over the real mmap backend; only
 * the OSGi service registry is left out (the commands are added to the processor directly).
 */
class CommandLineRunTest {

    @TempDir
    Path temporary;

    private GogoWithShmCommands gogo;
    private NeutralSharedMemoryService service;
    private CommandProcessorImpl processor;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicInteger consoleStarts = new AtomicInteger();
    private final AtomicInteger platformStarts = new AtomicInteger();

    @BeforeEach
    void startGogoWithTheShmCommands() {
        gogo = new GogoWithShmCommands(temporary.resolve("root"));
        service = gogo.service;
        processor = gogo.processor;
    }

    @AfterEach
    void stopEverything() {
        gogo.close();
    }

    private int run(Invocation invocation, boolean commandsArrive) {
        CommandLineRun run = new CommandLineRun(invocation, processor, (filter, deadline) -> commandsArrive,
                Duration.ofSeconds(1), new CountingStages(),
                new ProcessStreams(new ByteArrayInputStream(new byte[0]), out, err));
        return run.call();
    }

    /** Stages that only count how often the console was started; the console ends as the framework stops. */
    private class CountingStages implements RuntimeStages {
        @Override
        public void startPlatform(java.time.Instant deadline) {
            platformStarts.incrementAndGet();
        }

        @Override
        public void startConsole() {
            consoleStarts.incrementAndGet();
        }

        @Override
        public ConsoleEnd awaitConsoleEnd() {
            return ConsoleEnd.FRAMEWORK_STOPPING;
        }

        @Override
        public int consoleFailures() {
            return 0;
        }
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scriptRunsItsStatementsInOneSessionAndPrintsEachAnswer() {
        int exit = run(Invocation.parse("-c", "shm:create demo 4k; shm:write demo 0 hello; shm:dump demo 0 16;"
                + " shm:close demo"), true);
        assertEquals(CommandLineRun.SUCCESS, exit, errors());
        assertEquals(String.join("\n",
                "created 'demo' (4096 bytes); this shell holds 1 handle of it",
                "wrote 5 bytes to 'demo' at offset 0",
                "'demo': 16 bytes from offset 0 of 4096",
                "00000000  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|",
                "closed 1 handle of 'demo'",
                ""), output());
        assertEquals("", errors());
        assertTrue(service.info("demo").isEmpty());
    }

    @Test
    void singleCommandGetsItsArgumentsExactlyWithoutGogoParsing() {
        try (SharedMemory held = service.createOrOpen("demo", 64)) {
            int exit = run(Invocation.parse("shm:write", "demo", "0", "a  b;c"), true);
            assertEquals(CommandLineRun.SUCCESS, exit, errors());
            assertEquals("wrote 6 bytes to 'demo' at offset 0 (this shell holds no handle of it: opened for this"
                    + " command only)\n", output());
            byte[] written = held.segment().asSlice(0, 6).toArray(ValueLayout.JAVA_BYTE);
            assertEquals("a  b;c", new String(written, StandardCharsets.UTF_8));
        }
    }

    @Test
    void commandNamesWithoutScopeMeanTheShmCommands() {
        try (SharedMemory held = service.createOrOpen("demo", 4096)) {
            assertEquals(CommandLineRun.SUCCESS, run(Invocation.parse("list"), true), errors());
            assertTrue(output().contains("demo  SHARED_MEMORY  4096     4096  " + ProcessHandle.current().pid() + " (java) x1"),
                    output());
            assertTrue(held.isOpen());
        }
    }

    @Test
    void failingCommandPrintsOneErrorLineAndExitsWithOne() {
        int exit = run(Invocation.parse("shm:create", "demo", "4q"), true);
        assertEquals(CommandLineRun.BAD_ARGUMENTS, exit, "a usage error");
        assertEquals("error: '4q' is not a byte count: " + ByteCounts.ACCEPTED_FORMS
                + "; usage: shm:create <name> <size>\n", errors());
        assertEquals("", output());
    }

    @Test
    void serviceRefusalIsPrintedAsTheServicesOneLineMessage() {
        assertEquals(CommandLineRun.COMMAND_FAILED, run(Invocation.parse("shm:info", "nothing"), true));
        assertEquals("error: 'nothing': no object of that name exists (NOT_FOUND)\n", errors());
    }

    @Test
    void unknownCommandIsOneErrorLine() {
        assertEquals(CommandLineRun.BAD_ARGUMENTS, run(Invocation.parse("shm:bogus"), true));
        assertEquals("error: no command named 'shm:bogus'; usage: help lists the commands\n", errors());
        err.reset();
        assertEquals(CommandLineRun.COMMAND_FAILED, run(Invocation.parse("-c", "shm:bogus x"), true));
        assertEquals(1, errors().lines().count(), errors());
        assertTrue(errors().startsWith("error: Command not found: shm:bogus"), errors());
    }

    @Test
    void scriptStopsAtTheFirstFailure() {
        int exit = run(Invocation.parse("-c", "shm:dump nothing; shm:create later 4k"), true);
        assertEquals(CommandLineRun.COMMAND_FAILED, exit);
        assertEquals(1, errors().lines().count(), errors());
        assertTrue(errors().startsWith("error: 'nothing': "), errors());
        assertFalse(errors().contains("\tat "));
        assertTrue(service.info("later").isEmpty(), "nothing after the failure ran");
    }

    @Test
    void helpPrintsTheUsageAndInvalidArgumentsExitWithTwo() {
        assertEquals(CommandLineRun.SUCCESS, run(Invocation.parse("--help"), true));
        assertEquals(Invocation.USAGE + "\n", output());
        assertEquals(CommandLineRun.BAD_ARGUMENTS, run(Invocation.parse("--frobnicate"), true));
        assertEquals("error: unknown option --frobnicate (--help shows the usage)\n", errors());
    }

    @Test
    void commandsThatNeverArriveEndTheRunWithThree() {
        assertEquals(CommandLineRun.COMMANDS_UNAVAILABLE, run(Invocation.parse("shm:list"), false));
        assertEquals("error: the shm commands (is a SharedMemoryService available?) did not become available"
                + " within 1 s\n", errors());
        assertEquals(0, consoleStarts.get());
    }

    @Test
    void interactiveShellStartsTheConsoleBundlesAndWaitsForGosh() {
        CommandLineRun run = new CommandLineRun(Invocation.parse(), processor,
                (filter, deadline) -> filter.equals(CommandLineRun.SHM_COMMANDS_FILTER), Duration.ofSeconds(1),
                new CountingStages(), new ProcessStreams(new ByteArrayInputStream(new byte[0]), out, err));
        assertEquals(CommandLineRun.COMMANDS_UNAVAILABLE, run.call());
        assertEquals(1, consoleStarts.get());
        assertEquals("error: the Gogo shell (gogo:gosh) did not become available within 1 s\n", errors());
    }

    /** Runs {@code invocation} with a listening that counts, and stages that see whether it listens at the wait. */
    private int runListening(Invocation invocation, boolean commandsArrive, AtomicInteger opened,
            AtomicInteger closed, AtomicInteger listeningAtTheWait) {
        RuntimeStages stages = new CountingStages() {
            @Override
            public ConsoleEnd awaitConsoleEnd() {
                listeningAtTheWait.set(opened.get() - closed.get());
                return ConsoleEnd.FRAMEWORK_STOPPING;
            }
        };
        CommandLineRun run = new CommandLineRun(invocation, processor, (filter, deadline) -> commandsArrive,
                Duration.ofSeconds(1), stages, new ProcessStreams(new ByteArrayInputStream(new byte[0]), out, err),
                () -> {
                    opened.incrementAndGet();
                    return closed::incrementAndGet;
                }, false);
        return run.call();
    }

    @Test
    void aServedRuntimeStartsThePlatformAndNoConsoleAndListensUntilTheFrameworkStops() {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger listeningAtTheWait = new AtomicInteger(-1);
        assertEquals(CommandLineRun.SUCCESS, runListening(Invocation.parse("--serve"), true, opened, closed,
                listeningAtTheWait), errors());
        assertEquals(1, platformStarts.get());
        assertEquals(0, consoleStarts.get());
        assertEquals(1, listeningAtTheWait.get(), "not listening while the runtime served");
        assertEquals(1, closed.get(), "still listening after the framework stopped");
        assertEquals("", output() + errors());
    }

    @Test
    void theInteractiveConsoleListensWhileItRuns() {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger listeningAtTheWait = new AtomicInteger(-1);
        assertEquals(CommandLineRun.SUCCESS, runListening(Invocation.parse(), true, opened, closed,
                listeningAtTheWait), errors());
        assertEquals(1, consoleStarts.get());
        assertEquals(1, listeningAtTheWait.get(), "not listening while the console ran");
        assertEquals(1, closed.get(), "still listening after the console ended");
    }

    @Test
    void aRuntimeWhoseCommandsNeverCameAndACommandLineListenNowhere() {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger unused = new AtomicInteger(-1);
        assertEquals(CommandLineRun.COMMANDS_UNAVAILABLE, runListening(Invocation.parse("--serve"), false, opened,
                closed, unused));
        assertEquals(CommandLineRun.SUCCESS, runListening(Invocation.parse("shm:list"), true, opened, closed,
                unused), errors());
        assertEquals(0, opened.get(), "listened without a console or a served runtime");
    }

    @Test
    void oneLineJoinsMultiLineMessagesAndNamesTheTypeWhenThereIsNoMessage() {
        assertEquals("a | b", CommandLineRun.oneLine(new IllegalStateException("a\nb\n")));
        assertEquals("NullPointerException", CommandLineRun.oneLine(new NullPointerException()));
    }
}
