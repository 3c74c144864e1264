package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class UnusableSettingsTest {

    @Test
    void printsTheProblemAsOneErrorLineAndAnswersBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        UnusableSettings settings = new UnusableSettings("shm.shell.entrypoint.wait must be a positive whole number: x",
                new ProcessStreams(new ByteArrayInputStream(new byte[0]), out, err));
        assertEquals(CommandLineRun.BAD_ARGUMENTS, settings.call());
        assertEquals("error: shm.shell.entrypoint.wait must be a positive whole number: x\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals(0, out.size());
    }
}
