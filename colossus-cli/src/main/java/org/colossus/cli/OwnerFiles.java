package org.colossus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.colossus.server.journal.DataDirectory;

/**
 * Files the CLI writes that hold keys, secrets or verification state: written whole to a temporary file readable by
 * the owner only, then moved into place, so a crash leaves the old file or the new one, never half of one, and no
 * other user can read a key even briefly.
 */
final class OwnerFiles {
    private OwnerFiles() {
    }

    /** @param replace false: refuse to overwrite an existing file (keys are never silently replaced) */
    static void write(Path file, byte[] data, boolean replace) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        if (!replace && Files.exists(abs)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        DataDirectory.writeOwnerOnly(abs, data);
    }

    static void write(Path file, String text, boolean replace) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8), replace);
    }

    /** The same for commands: failures become one-line errors naming {@code what}. */
    static void writeOrFail(Path file, String text, boolean replace, String what) {
        try {
            write(file, text, replace);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(what + " " + file + " exists; it is never overwritten");
        } catch (IOException e) {
            throw new CliException("cannot write " + what + " " + file + ": " + e.getMessage());
        }
    }
}
