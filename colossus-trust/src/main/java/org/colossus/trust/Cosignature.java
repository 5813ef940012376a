package org.colossus.trust;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * C2SP tlog-cosignature v1 with Ed25519: a witness's statement that, as of a time, the checkpoint is the largest
 * consistent tree it has seen for the log. The signed message is {@code "cosignature/v1\ntime <seconds>\n"} followed
 * by the checkpoint's note text; the signature line carries an 8-byte big-endian timestamp before the signature.
 */
public final class Cosignature {
    private Cosignature() {
    }

    static byte[] message(String checkpointText, long timestampSeconds) {
        return ("cosignature/v1\ntime " + timestampSeconds + "\n" + checkpointText).getBytes(StandardCharsets.UTF_8);
    }

    /** The cosignature line of {@code cosigner} (a type 0x04 key) on a checkpoint's text. */
    public static SignedNote.Line sign(String checkpointText, NoteKey.Signer cosigner, long timestampSeconds) {
        if (cosigner.type() != NoteKey.COSIGNATURE) {
            throw new TrustException("cosigner key " + cosigner.name() + " is not a cosignature key (type 0x04)");
        }
        if (timestampSeconds < 0) {
            throw new TrustException("cosignature time " + timestampSeconds + " is before 1970");
        }
        byte[] sig = cosigner.sign(message(checkpointText, timestampSeconds));
        byte[] body = ByteBuffer.allocate(8 + sig.length).putLong(timestampSeconds).put(sig).array();
        return new SignedNote.Line(cosigner.name(), cosigner.keyId(), body);
    }

    /**
     * The time at which {@code witness} cosigned this note's checkpoint.
     *
     * @throws TrustException if the witness did not cosign it or its cosignature does not verify
     */
    public static long verify(SignedNote note, NoteKey.Verifier witness) {
        if (witness.type() != NoteKey.COSIGNATURE) {
            throw new TrustException("witness key " + witness.name() + " is not a cosignature key (type 0x04)");
        }
        boolean present = false;
        for (SignedNote.Line l : note.signatures()) {
            if (l.name().equals(witness.name()) && l.keyId() == witness.keyId()) {
                present = true;
                if (l.signature().length == 72) {
                    long t = ByteBuffer.wrap(l.signature(), 0, 8).getLong();
                    if (t >= 0 && witness.verify(message(note.text(), t), Arrays.copyOfRange(l.signature(), 8, 72))) {
                        return t;
                    }
                }
            }
        }
        throw new TrustException(present ? "the cosignature of witness " + witness.name() + " does not verify"
                : "the checkpoint is not cosigned by witness " + witness.name());
    }

    /** How many of {@code witnesses} validly cosigned the note (for a k-of-n policy). */
    public static int count(SignedNote note, List<NoteKey.Verifier> witnesses) {
        int n = 0;
        for (NoteKey.Verifier w : witnesses) {
            try {
                verify(note, w);
                n++;
            } catch (TrustException e) {
                // not cosigned by this one
            }
        }
        return n;
    }
}
