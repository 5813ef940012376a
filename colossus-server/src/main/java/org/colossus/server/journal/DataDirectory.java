package org.colossus.server.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.colossus.server.error.ServerException;

/** The server's data directory and the files in it, kept to their owner (a security review's finding). */
public final class DataDirectory {
    private DataDirectory() {
    }

    /**
     * The data directory holds the journal, the audit log's signing key and the operator token: readable by its owner
     * only (0700), created so or tightened if it exists (it was 0755 with a 0644 database inside).
     */
    public static void create(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(dir);
                }
            }
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new ServerException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every file directly in the data directory (the H2 database files among them) made 0600. */
    public static void restrictFiles(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && Files.getFileStore(f).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            throw new ServerException("cannot restrict the files of " + dir + " to their owner: " + e.getMessage(), e);
        }
    }

}
