package shm.shell.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CfgTextTest {

    private static final String EXAMPLE = """
            # The mmap backend.
            # Root directory: one file per object.
            #root = /dev/shm/x

            # Touch every page when mapping.
            prefault = false
            root = /srv/shm
            """;

    @TempDir
    Path folder;

    @Test
    void aFileWhoseValuesMatchIsLeftExactlyAsItIs() {
        assertEquals(EXAMPLE, CfgText.merged(EXAMPLE, Map.of("prefault", "false", "root", "/srv/shm")));
    }

    @Test
    void aChangedValueRewritesOnlyItsLineAndKeepsEveryComment() {
        String merged = CfgText.merged(EXAMPLE, Map.of("prefault", "true", "root", "/srv/shm"));
        assertEquals(EXAMPLE.replace("prefault = false", "prefault = true"), merged);
    }

    @Test
    void aRemovedSettingLosesItsLineButNotTheCommentsAboveIt() {
        String merged = CfgText.merged(EXAMPLE, Map.of("prefault", "false"));
        assertEquals(EXAMPLE.replace("root = /srv/shm\n", ""), merged);
        assertTrue(merged.contains("# Root directory: one file per object."), merged);
    }

    @Test
    void aNewSettingIsAppendedAfterAFinalLineWithoutNewline() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("a", "1");
        values.put("service.ranking", "5");
        assertEquals("# only a comment\na = 1\nservice.ranking = 5\n", CfgText.merged("# only a comment\na = 1", values));
    }

    @Test
    void valuesAreEscapedSoThatAPropertiesReaderGetsTheExactTextBack() throws Exception {
        String tricky = " leading space, a\\backslash, = and : and # and ü\tand\nnewline ";
        String text = CfgText.merged("", Map.of("odd key=1", tricky));
        Properties read = new Properties();
        read.load(new StringReader(text));
        assertEquals(tricky, read.getProperty("odd key=1"));
        assertTrue(text.chars().allMatch(c -> c < 0x7f), "ASCII only, whatever encoding the reader uses: " + text);
        assertEquals(text, CfgText.merged(text, Map.of("odd key=1", tricky)), "read back as equal: not rewritten");
    }

    @Test
    void continuedLinesAreOneSettingAndACommentEndingInABackslashIsNot() {
        String text = "# a comment \\\nlist = a,\\\n  b\nother = 1\n";
        List<String> lines = CfgText.logicalLines(text);
        assertEquals(List.of("# a comment \\\n", "list = a,\\\n  b\n", "other = 1\n"), lines);
        assertEquals(text, CfgText.merged(text, Map.of("list", "a,b", "other", "1")));
        assertEquals("# a comment \\\nlist = a,\\\n  b\nother = 2\n", CfgText.merged(text, Map.of("list", "a,b", "other", "2")));
    }

    @Test
    void aTypedValueThatMatchesIsKeptAsTheOperatorWroteIt() {
        String text = "service.ranking = I\"5\"\n";
        assertEquals(text, CfgText.merged(text, Map.of("service.ranking", "5")));
    }

    @Test
    void aSubstitutionIsNeverReplacedByTheValueItGave() {
        String text = "root = ${user.home}/shm\n";
        assertEquals(text, CfgText.merged(text, Map.of("root", "/root/shm")));
    }

    @Test
    void replaceSwapsTheWholeFileInOneRenameAndLeavesNoTemporaryFile() throws Exception {
        Path file = folder.resolve("shm.provider.mmap.cfg");
        Files.writeString(file, EXAMPLE);
        Object inodeBefore = Files.getAttribute(file, "unix:ino");
        CfgText.replace(file, "prefault = true\n");
        assertEquals("prefault = true\n", Files.readString(file));
        assertFalse(inodeBefore.equals(Files.getAttribute(file, "unix:ino")), "a new file renamed over the old one");
        assertEquals(List.of(file), Files.list(folder).toList());
    }

    @Test
    void replaceThroughASymbolicLinkKeepsTheLink() throws Exception {
        Path real = Files.createDirectory(folder.resolve("real")).resolve("a.cfg");
        Files.writeString(real, "a = 1\n");
        Path link = Files.createSymbolicLink(folder.resolve("a.cfg"), real);
        CfgText.replace(link, "a = 2\n");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("a = 2\n", Files.readString(real));
    }
}
