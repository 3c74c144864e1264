package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;

import shm.api.SharedMemory;
import shm.testkit.Await;

/**
 * The shell survives its own update (issue 10): an object only the shell's commands hold (made with
 * {@code shm:create}) lives through 20 updates of shm.shell to a second version, 20 stop/starts and a refresh, the
 * same file with the same bytes, never held by a parked hold alone, although the test opens and closes it right after
 * each step (the take-over may not have run yet); the commands Gogo runs are always the current revision's; and the
 * current revision holds the handle: its {@code shm:close} is the last close, and the object goes. Meanwhile a child
 * process and the C peer count in an object the framework also holds ({@link SwapRig}): no write is lost; afterwards
 * descriptors, threads, mappings and files are back to their counts, and the first shell revision is collected.
 */
public class ShellUpdateIT extends ShmTestBase {

    private static final int CYCLES = 20;
    private static final String NAME = "itest.shell.held";
    private static final String COMMANDS_CLASS = "shm.shell.ShmCommands";

    @Test
    public void theShellsHandlesAndCommandsFollowItsUpdates() throws Exception {
        Lifecycle shell = new Lifecycle(context, Bundles.SHELL);
        WeakReference<Class<?>> firstRevision = new WeakReference<>(shell.bundle().loadClass(COMMANDS_CLASS));
        runCycles(shell);
        // After runCycles returned: no stack slot of this frame holds an object of the first revision.
        Gc.assertCollected("shm.shell's first revision", firstRevision);
    }

    private void runCycles(Lifecycle shell) throws Exception {
        command("create", NAME, "4096");
        try (SharedMemory writer = services.shm().open(NAME)) {
            writer.segment().setString(0, "held by the shell");
        }
        Object inode = inode();
        try (SwapRig rig = SwapRig.start(services.shm(), root)) {
            rig.check("start");
            Resources start = Resources.now(root);
            for (int i = 1; i <= CYCLES; i++) {
                String step = "update " + i + " to " + shell.update();
                check(step, inode);
                rig.check(step);
            }
            for (int i = 1; i <= CYCLES; i++) {
                shell.restart();
                check("stop/start " + i, inode);
                rig.check("stop/start " + i + " of shm.shell");
            }
            shell.refresh();
            check("refresh", inode);
            rig.check("refresh of shm.shell");
            rig.finish();
            Await.until(() -> "descriptors, threads, mappings and files back to " + start + "; now "
                    + Resources.now(root), Await.DEADLINE, () -> Resources.now(root).noMoreThan(start));
        }
        Await.until("the current revision took the handle over and its shm:close is the last close", () -> {
            command("close", NAME);
            return root.objectFiles().isEmpty();
        });
        assertEquals(List.of(), root.objectFiles());
        services.close();
    }

    /** Leaves the shell running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.SHELL);
    }

    private void check(String step, Object inode) throws Exception {
        ClassLoader current = Bundles.named(context, Bundles.SHELL).adapt(BundleWiring.class).getClassLoader();
        withCommands(commands -> assertSame(step + ": Gogo's shm commands are the current revision's", current,
                commands.getClass().getClassLoader()));
        assertEquals(step + ": the same object", inode, inode());
        // Make before break: the shell carries live handles across its update, never a parked hold alone (which the
        // open below would take over, and its close would destroy the object: the cause of the loss, issue 10).
        assertEquals(step + ": nothing of the shell's object is parked", List.of(), services.mmap().parkedHolds()
                .stream().filter(parked -> NAME.equals(parked.name())).toList());
        try (SharedMemory view = services.shm().open(NAME)) {
            assertEquals(step, "held by the shell", view.segment().getString(0));
        }
    }

    /** Runs a command of the shm scope on the current revision's command service, as Gogo does. */
    private void command(String function, String... arguments) {
        withCommands(commands -> {
            try {
                commands.getClass().getMethod(function, String[].class).invoke(commands, (Object) arguments);
            } catch (InvocationTargetException e) {
                throw new AssertionError("shm:" + function + " failed", e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("no shm:" + function, e);
            }
        });
    }

    /** Calls {@code use} with the current revision's command service, and lets go of it after (as Gogo does). */
    private void withCommands(java.util.function.Consumer<Object> use) {
        List<ServiceReference<?>> found = new java.util.ArrayList<>();
        Await.until("the shm commands are registered", () -> {
            try {
                ServiceReference<?>[] references = context.getServiceReferences((String) null,
                        "(&(osgi.command.scope=shm)(osgi.command.function=create))");
                found.clear();
                if (references != null) {
                    found.addAll(List.of(references));
                }
                return !found.isEmpty();
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
        ServiceReference<?> reference = found.get(0);
        Object commands = context.getService(reference);
        if (commands == null) {
            throw new AssertionError("the shm commands went away while the test used them");
        }
        try {
            use.accept(commands);
        } finally {
            context.ungetService(reference);
        }
    }

    private Object inode() throws java.io.IOException {
        return Files.getAttribute(root.path().resolve("n." + NAME), "unix:ino");
    }
}
