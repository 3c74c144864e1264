package shm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;

import org.junit.jupiter.api.Test;

class InvocationTest {

    @Test
    void noArgumentsIsTheInteractiveShell() {
        assertInstanceOf(Invocation.Interactive.class, Invocation.parse());
    }

    @Test
    void aCommandKeepsItsArgumentsExactly() {
        assertEquals(new Invocation.SingleCommand("shm:write", List.of("demo", "0", "hello world", "--hex")),
                Invocation.parse("shm:write", "demo", "0", "hello world", "--hex"));
        assertEquals(new Invocation.SingleCommand("shm:list", List.of()), Invocation.parse("shm:list"));
    }

    @Test
    void dashCJoinsTheScriptWords() {
        assertEquals(new Invocation.Script("shm:create a 4k; shm:dump a"),
                Invocation.parse("-c", "shm:create a 4k; shm:dump a"));
        assertEquals(new Invocation.Script("shm:list"), Invocation.parse("--command", "shm:list"));
        assertEquals(new Invocation.Script("shm:create a 4k"), Invocation.parse("-c", "shm:create", "a", "4k"));
    }

    @Test
    void dashCWithoutScriptIsInvalid() {
        Invocation.Invalid invalid = assertInstanceOf(Invocation.Invalid.class, Invocation.parse("-c"));
        assertEquals("-c needs a script, for example: -c 'shm:list'", invalid.problem());
        assertInstanceOf(Invocation.Invalid.class, Invocation.parse("-c", "  "));
    }

    @Test
    void helpAndUnknownOptions() {
        assertInstanceOf(Invocation.Help.class, Invocation.parse("--help"));
        assertInstanceOf(Invocation.Help.class, Invocation.parse("-h"));
        assertEquals(new Invocation.Invalid("unknown option --frobnicate"), Invocation.parse("--frobnicate"));
        assertEquals(new Invocation.Invalid("--help takes no arguments"), Invocation.parse("--help", "x"));
    }

    @Test
    void serveTakesNoArguments() {
        assertInstanceOf(Invocation.Serve.class, Invocation.parse("--serve"));
        assertEquals(new Invocation.Invalid("--serve takes no arguments"), Invocation.parse("--serve", "shm:list"));
    }

    @Test
    void aLoneDashIsACommandWord() {
        assertEquals(new Invocation.SingleCommand("-", List.of()), Invocation.parse("-"));
    }
}
