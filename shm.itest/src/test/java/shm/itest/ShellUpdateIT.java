package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.util.List;

import org.junit.After;
import org.junit.Ignore;
import org.junit.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;

import shm.api.SharedMemory;
import shm.testkit.Await;

/**
 * The shell survives its own update (issue 10): an object only the shell's commands hold (made with
 * {@code shm:create}) lives through 20 updates of shm.shell to a second version, 20 stop/starts and a refresh, the
 * same file with the same bytes; the commands Gogo runs are always the current revision's; and the current revision
 * holds the handle: its {@code shm:close} is the last close, and the object goes.
 */
public class ShellUpdateIT extends ShmTestBase {

    private static final int CYCLES = 20;
    private static final String NAME = "itest.shell.held";

    @Test
    @Ignore("open in issue 10: passed on the swap lane's branch, fails after the integration with the operator-runtime,"
            + " vendor-backend and scale lanes: across the first shell update the object only the shell holds is"
            + " destroyed (the next revision's take-over gets NOT_FOUND); not diagnosed yet")
    public void theShellsHandlesAndCommandsFollowItsUpdates() throws Exception {
        command("create", NAME, "4096");
        try (SharedMemory writer = services.shm().open(NAME)) {
            writer.segment().setString(0, "held by the shell");
        }
        Object inode = inode();
        Lifecycle shell = new Lifecycle(context, Bundles.SHELL);
        for (int i = 1; i <= CYCLES; i++) {
            check("update " + i + " to " + shell.update(), inode);
        }
        for (int i = 1; i <= CYCLES; i++) {
            shell.restart();
            check("stop/start " + i, inode);
        }
        shell.refresh();
        check("refresh", inode);
        Await.until("the current revision took the handle over and its shm:close is the last close", () -> {
            command("close", NAME);
            return root.objectFiles().isEmpty();
        });
        assertEquals(List.of(), root.objectFiles());
    }

    /** Leaves the shell running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.SHELL);
    }

    private void check(String step, Object inode) throws Exception {
        Object commands = commands();
        assertSame(step + ": Gogo's shm commands are the current revision's", Bundles.named(context,
                Bundles.SHELL).adapt(BundleWiring.class).getClassLoader(), commands.getClass().getClassLoader());
        assertEquals(step + ": the same object", inode, inode());
        try (SharedMemory view = services.shm().open(NAME)) {
            assertEquals(step, "held by the shell", view.segment().getString(0));
        }
    }

    /** Runs a command of the shm scope on the current revision's command service, as Gogo does. */
    private void command(String function, String... arguments) {
        Object commands = commands();
        try {
            commands.getClass().getMethod(function, String[].class).invoke(commands, (Object) arguments);
        } catch (InvocationTargetException e) {
            throw new AssertionError("shm:" + function + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no shm:" + function, e);
        }
    }

    private Object commands() {
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
        return context.getService(found.get(0));
    }

    private Object inode() throws java.io.IOException {
        return Files.getAttribute(root.path().resolve("n." + NAME), "unix:ino");
    }
}
