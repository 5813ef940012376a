package org.colossus.trust;

import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The logic of a C2SP tlog-witness add-checkpoint request: the witness keeps, per log origin, the latest checkpoint
 * it cosigned; it cosigns a new one only if the log signed it, the client knew the witness's latest size, and a
 * consistency proof shows the new tree extends that one. Rollbacks, forks and split views are refused with a
 * {@link Refusal} carrying the HTTP status the spec assigns.
 */
public final class Witness {
    /** What the witness remembers: the latest cosigned size and root per origin. Implementations persist it. */
    public interface State {
        Optional<Latest> latest(String origin);

        void store(String origin, Latest latest);
    }

    public record Latest(long size, byte[] root) {
    }

    /** A refused add-checkpoint request: {@code status} as tlog-witness assigns (400, 403, 404, 409, 422). */
    public static final class Refusal extends TrustException {
        private final int status;
        private final long latestSize;

        Refusal(int status, String message, long latestSize) {
            super(message);
            this.status = status;
            this.latestSize = latestSize;
        }

        public int status() {
            return status;
        }

        /** For a 409: the size the witness has (the client retries with it). */
        public long latestSize() {
            return latestSize;
        }
    }

    private final NoteKey.Signer key;
    private final Map<String, NoteKey.Verifier> logs;
    private final State state;
    private final InstantSource clock;

    /** @param logs the logs this witness follows, by origin, with their verifier keys */
    public Witness(NoteKey.Signer key, Map<String, NoteKey.Verifier> logs, State state, InstantSource clock) {
        this.key = key.type() == NoteKey.COSIGNATURE ? key : key.asCosigner();
        this.logs = Map.copyOf(logs);
        this.state = state;
        this.clock = clock;
    }

    public NoteKey.Verifier verifier() {
        return key.verifier();
    }

    /**
     * Handles add-checkpoint: {@code oldSize} is the size the client believes the witness has, {@code proof} the
     * consistency proof from it to the new checkpoint. Returns the cosignature line.
     */
    public synchronized SignedNote.Line addCheckpoint(long oldSize, List<byte[]> proof, String signedCheckpoint) {
        SignedNote note;
        Checkpoint cp;
        try {
            note = SignedNote.parse(signedCheckpoint);
            cp = Checkpoint.parse(note.text());
        } catch (TrustException e) {
            throw new Refusal(400, "malformed checkpoint: " + e.getMessage(), -1);
        }
        NoteKey.Verifier log = logs.get(cp.origin());
        if (log == null) {
            throw new Refusal(404, "unknown log origin '" + cp.origin() + "'", -1);
        }
        try {
            note.verify(log);
        } catch (TrustException e) {
            throw new Refusal(403, "checkpoint of " + cp.origin() + ": " + e.getMessage(), -1);
        }
        Optional<Latest> latest = state.latest(cp.origin());
        long have = latest.map(Latest::size).orElse(0L);
        if (oldSize != have) {
            throw new Refusal(409, "the witness's latest size for " + cp.origin() + " is " + have + ", not " + oldSize, have);
        }
        if (Long.compareUnsigned(cp.size(), have) < 0) {
            throw new Refusal(400, "checkpoint size " + cp.size() + " is smaller than the witnessed " + have
                    + " (a rollback)", have);
        }
        if (latest.isPresent()) {
            Latest l = latest.get();
            if (cp.size() == l.size()) {
                if (!proof.isEmpty() || !Arrays.equals(cp.root(), l.root())) {
                    throw new Refusal(409, "a different root for the already witnessed size " + l.size() + " (a split view)",
                            have);
                }
            } else {
                try {
                    ProofVerifier.verifyConsistency(l.size(), cp.size(), proof, l.root(), cp.root());
                } catch (TrustException e) {
                    throw new Refusal(422, "checkpoint " + cp.size() + " is not consistent with the witnessed "
                            + l.size() + ": " + e.getMessage(), have);
                }
            }
        }
        state.store(cp.origin(), new Latest(cp.size(), cp.root()));
        return Cosignature.sign(note.text(), key, clock.millis() / 1000);
    }
}
