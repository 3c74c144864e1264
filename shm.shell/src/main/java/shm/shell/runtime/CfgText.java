package shm.shell.runtime;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The text of a {@code .cfg} file of the platform home's {@code etc/} (Java properties syntax, as Apache Felix
 * FileInstall reads it), edited the way an operator would: the lines of settings whose value changed are rewritten,
 * the lines of settings that are gone are dropped, new settings are appended, and every comment, blank line and
 * unchanged line stays byte for byte. A file whose values already match is not touched at all, and a file is only
 * ever replaced whole, by an atomic rename, so that a reader (FileInstall polls the folder) never sees it half written.
 */
final class CfgText {

    private CfgText() {
    }

    /**
     * The file's text with {@code values} written into it.
     *
     * @param text   the file's current text
     * @param values every setting the file should hold, as text, in the order new ones are appended
     * @return the new text; equal to {@code text} when every value is already there
     */
    static String merged(String text, Map<String, String> values) {
        Map<String, String> missing = new LinkedHashMap<>(values);
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (String line : logicalLines(text)) {
            Map.Entry<String, String> setting = setting(line);
            if (setting == null) {
                out.append(line);
                continue;
            }
            String key = setting.getKey();
            if (!missing.containsKey(key)) {
                continue; // removed from the configuration, or a repeated key whose first line was already written
            }
            String wanted = missing.remove(key);
            if (wanted.equals(unTyped(setting.getValue())) || setting.getValue().contains("${")) {
                out.append(line); // unchanged, or a substitution FileInstall makes: the operator's text stays
            } else {
                out.append(line(key, wanted)).append(lineEnd(line));
            }
        }
        if (!missing.isEmpty()) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            missing.forEach((key, value) -> out.append(line(key, value)).append('\n'));
        }
        return out.toString();
    }

    /**
     * Replaces {@code file} with {@code text} in one step: the text is written into a hidden temporary file beside it
     * (a name FileInstall's filter does not take), then renamed over it. A file reached through a symbolic link is
     * replaced where the link points, so the link stays.
     *
     * @param file the file (it may not exist yet)
     * @param text its new text
     * @throws IOException when the folder cannot be written
     */
    static void replace(Path file, String text) throws IOException {
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
        Path temporary = target.resolveSibling("." + target.getFileName() + ".writing");
        try {
            Files.writeString(temporary, text, StandardCharsets.ISO_8859_1);
            if (Files.exists(target)) {
                Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
            } else {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException impossibleInOneFolder) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** One setting as a line: the value escaped so that FileInstall reads it back as this exact text. */
    static String line(String key, String value) {
        return escape(key, true) + " = " + escape(value, false);
    }

    /** The file's text as read by FileInstall (ISO-8859-1, its default {@code felix.fileinstall.configEncoding}). */
    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    /** The value's text without FileInstall's type prefix and quotes ({@code I"5"} is {@code 5}). */
    private static String unTyped(String value) {
        java.util.regex.Matcher typed = EtcGate.TYPED.matcher(value);
        return typed.matches() ? typed.group(1) : value;
    }

    /** The logical lines of {@code text}, each with its line end; a line ending in an odd number of backslashes goes on. */
    static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline + 1;
            String physical = text.substring(start, end);
            current.append(physical);
            start = end;
            String content = physical.stripTrailing();
            boolean comment = current.length() == physical.length() && isComment(content);
            if (comment || !continues(content) || newline < 0) {
                lines.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            lines.add(current.toString());
        }
        return lines;
    }

    /** The key and raw value of a setting line, or {@code null} for a comment or a blank line. */
    private static Map.Entry<String, String> setting(String line) {
        String content = line.strip();
        if (content.isEmpty() || isComment(content)) {
            return null;
        }
        Properties one = new Properties();
        try {
            one.load(new StringReader(line));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        } catch (IllegalArgumentException malformed) {
            return null; // a malformed \\u escape: FileInstall could not read it either; the line stays as it is
        }
        String key = one.stringPropertyNames().stream().findFirst().orElse(null);
        return key == null ? null : Map.entry(key, one.getProperty(key));
    }

    private static boolean isComment(String content) {
        String stripped = content.stripLeading();
        return stripped.startsWith("#") || stripped.startsWith("!");
    }

    private static boolean continues(String content) {
        int backslashes = 0;
        for (int i = content.length() - 1; i >= 0 && content.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String lineEnd(String line) {
        return line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
    }

    private static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
