package org.colossus.trust.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.List;
import org.colossus.trust.TrustException;

/**
 * The broker's append-only log: one JSON line per attestation and resource request (when, session, resource,
 * evidence digest, verdict, reason), each carrying the SHA-256 of the line before it, so a deleted or edited line
 * breaks the chain ({@link #verify}). Secrets and keys never appear in it.
 */
public final class BrokerLog {
    private final Path file;
    private final InstantSource clock;
    private String last;

    public BrokerLog(Path file, InstantSource clock) {
        this.file = file;
        this.clock = clock;
        try {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                last = lines.isEmpty() ? "" : KeyBroker.sha256(lines.get(lines.size() - 1));
                verify(file);
            } else {
                last = "";
            }
        } catch (IOException e) {
            throw new TrustException("broker log " + file + ": " + e.getMessage());
        }
    }

    public synchronized void append(String event, String session, String resource, String evidenceSha256, String verdict,
                                    String reason) {
        String line = "{\"time\":\"" + clock.instant() + "\",\"event\":" + q(event) + ",\"session\":" + q(session)
                + ",\"resource\":" + q(resource) + ",\"evidenceSha256\":" + q(evidenceSha256) + ",\"verdict\":" + q(verdict)
                + ",\"reason\":" + q(reason) + ",\"prev\":" + q(last) + "}";
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new TrustException("broker log " + file + ": " + e.getMessage());
        }
        last = KeyBroker.sha256(line);
    }

    /** Checks the chain of a log file; returns its number of lines. */
    public static int verify(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String prev = "";
            for (int i = 0; i < lines.size(); i++) {
                String want = "\"prev\":" + q(prev) + "}";
                if (!lines.get(i).endsWith(want)) {
                    throw new TrustException("broker log " + file + ": line " + (i + 1) + " does not follow line " + i
                            + " (a line was edited, removed or inserted)");
                }
                prev = KeyBroker.sha256(lines.get(i));
            }
            return lines.size();
        } catch (IOException e) {
            throw new TrustException("broker log " + file + ": " + e.getMessage());
        }
    }

    private static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
