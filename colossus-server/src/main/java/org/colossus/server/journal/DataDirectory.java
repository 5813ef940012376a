package org.colossus.server.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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


    /**
     * Writes {@code text} to {@code file} readable by its owner only: whole, to a temporary file created 0600, then
     * moved into place, so a crash leaves the old file or the new one and no other user can read it even briefly.
     */
    public static void writeOwnerOnly(Path file, String text) throws IOException {
        writeOwnerOnly(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #writeOwnerOnly(Path, String)} for bytes (keys, sealed secrets). */
    public static void writeOwnerOnly(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.write(tmp, data);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
