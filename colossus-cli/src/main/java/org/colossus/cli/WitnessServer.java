package org.colossus.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.colossus.trust.NoteKey;
import org.colossus.trust.SignedNote;
import org.colossus.trust.TrustException;
import org.colossus.trust.Witness;

/**
 * A C2SP tlog-witness over HTTP: {@code POST /add-checkpoint} with {@code old <size>}, the consistency proof lines, a
 * blank line and the signed checkpoint; answers the cosignature line, or a refusal with the status the spec assigns
 * (409 with {@code text/x.tlog.size} when the client's old size is wrong). What it has cosigned lives in a state
 * file, replaced atomically after every cosignature, so a restarted witness still refuses rollbacks.
 */
final class WitnessServer implements AutoCloseable {
    private final HttpServer http;
    private final Witness witness;
    private final Path stateFile;
    private final Map<String, Witness.Latest> latest = new LinkedHashMap<>();

    WitnessServer(NoteKey.Signer key, Map<String, NoteKey.Verifier> logs, Path stateFile, String host, int port,
                  InstantSource clock) throws IOException {
        this.stateFile = stateFile;
        load();
        this.witness = new Witness(key, logs, new Witness.State() {
            @Override
            public Optional<Witness.Latest> latest(String origin) {
                return Optional.ofNullable(latest.get(origin));
            }

            @Override
            public void store(String origin, Witness.Latest l) {
                latest.put(origin, l);
                save();
            }
        }, clock);
        this.http = JdkHttp.start(host, port, "/add-checkpoint", this::addCheckpoint, "colossus-witness");
    }

    String url() {
        return "http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort();
    }

    NoteKey.Verifier verifier() {
        return witness.verifier();
    }

    private void load() throws IOException {
        if (!Files.exists(stateFile)) {
            return;
        }
        for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            if (f.length != 3) {
                throw new CliException("witness state " + stateFile + ": bad line '" + line + "' (expected: origin size root)");
            }
            try {
                latest.put(f[0], new Witness.Latest(Long.parseLong(f[1]), Base64.getDecoder().decode(f[2])));
            } catch (IllegalArgumentException e) {
                throw new CliException("witness state " + stateFile + ": bad line '" + line + "': " + e.getMessage());
            }
        }
    }

    private void save() {
        StringBuilder b = new StringBuilder();
        latest.forEach((o, l) -> b.append(o).append(' ').append(l.size()).append(' ')
                .append(Base64.getEncoder().encodeToString(l.root())).append('\n'));
        try {
            OwnerFiles.write(stateFile, b.toString(), true);
        } catch (IOException e) {
            // Cosigning without remembering would let a later rollback through: refuse instead.
            throw new TrustException("cannot save the witness state " + stateFile + ": " + e.getMessage());
        }
    }

    private void addCheckpoint(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                JdkHttp.reply(ex, 405, "text/plain", "use POST\n");
                return;
            }
            String body = new String(ex.getRequestBody().readNBytes(1 << 20), StandardCharsets.UTF_8);
            int blank = body.indexOf("\n\n");
            if (!body.startsWith("old ") || blank < 0) {
                JdkHttp.reply(ex, 400, "text/plain", "expected 'old <size>', proof lines, a blank line and the checkpoint\n");
                return;
            }
            String[] head = body.substring(0, blank).split("\n");
            long old;
            List<byte[]> proof = new ArrayList<>();
            try {
                old = Long.parseLong(head[0].substring(4));
                for (int i = 1; i < head.length; i++) {
                    proof.add(Base64.getDecoder().decode(head[i]));
                }
            } catch (IllegalArgumentException e) {
                JdkHttp.reply(ex, 400, "text/plain", "bad request head: " + e.getMessage() + "\n");
                return;
            }
            try {
                SignedNote.Line line;
                synchronized (this) {
                    line = witness.addCheckpoint(old, proof, body.substring(blank + 2));
                }
                JdkHttp.reply(ex, 200, "text/plain; charset=utf-8", line.encode());
            } catch (Witness.Refusal r) {
                if (r.status() == 409 && r.latestSize() != old) {
                    JdkHttp.reply(ex, 409, "text/x.tlog.size", r.latestSize() + "\n");
                } else {
                    JdkHttp.reply(ex, r.status(), "text/plain; charset=utf-8", r.getMessage() + "\n");
                }
            } catch (TrustException e) {
                JdkHttp.reply(ex, 500, "text/plain; charset=utf-8", e.getMessage() + "\n");
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
