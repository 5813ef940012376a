package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The C2SP signed-note example (test resources: vectors/c2sp) and the negative cases its README suggests. */
class SignedNoteTest {
    static String file(String name) throws Exception {
        return Files.readString(Vectors.dir("c2sp").resolve(name));
    }

    @Test
    void c2spExample_verifiesUnderItsPublishedKey() throws Exception {
        NoteKey.Verifier key = NoteKey.parseVerifier(file("signed-note-example.vkey"));
        assertThat(key.name()).isEqualTo("example.com/foo");
        assertThat(String.format("%08x", key.keyId())).isEqualTo("530d903a");
        assertThat(key.encode()).isEqualTo(file("signed-note-example.vkey").trim());
        SignedNote note = SignedNote.parse(file("signed-note-example.note"));
        assertThat(note.text()).isEqualTo("This is an example message.\n");
        note.verify(key);
        assertThat(note.encode()).isEqualTo(file("signed-note-example.note"));
    }

    @Test
    void c2spExample_tamperedOrMisformatted_isRejected() throws Exception {
        NoteKey.Verifier key = NoteKey.parseVerifier(file("signed-note-example.vkey"));
        String good = file("signed-note-example.note");
        assertThatThrownBy(() -> SignedNote.parse(good.replace("example message", "exemple message")).verify(key))
                .hasMessageContaining("does not verify");
        assertThatThrownBy(() -> SignedNote.parse(good.replace("\n\n", "\n"))).hasMessageContaining("no empty line");
        assertThatThrownBy(() -> SignedNote.parse(good.replace("\u2014", "-"))).hasMessageContaining("em dash");
        assertThatThrownBy(() -> SignedNote.parse(good.replace("example.com/foo Uw", "example.com/bar Uw")).verify(key))
                .hasMessageContaining("not signed by example.com/foo");
        String truncated = good.substring(0, good.length() - 10) + "\n";
        assertThatThrownBy(() -> SignedNote.parse(truncated).verify(key)).isInstanceOf(TrustException.class);
        // A second signature from an unknown key is ignored.
        NoteKey.Signer other = NoteKey.generate("witness.example", new SecureRandom());
        SignedNote two = SignedNote.parse(good);
        two = two.withSignature(SignedNote.sign(two.text(), other).signatures().get(0));
        SignedNote.parse(two.encode()).verify(key);
    }

    @Test
    void multilineAndCheckpointExamples_parse() throws Exception {
        SignedNote multi = SignedNote.parse(file("signed-note-multiline.note"));
        assertThat(multi.text()).contains("\n\n").contains("\u00e8");
        Checkpoint cp = Checkpoint.parse(SignedNote.parse(file("checkpoint-example.note")).text());
        assertThat(cp.origin()).isEqualTo("example.com/behind-the-sofa");
        assertThat(cp.size()).isEqualTo(20852163);
        assertThat(cp.text()).isEqualTo(SignedNote.parse(file("checkpoint-example.note")).text());
        assertThat(SignedNote.parse(file("checkpoint-cosigned-example.note")).signatures()).hasSize(2);
    }

    @Test
    void signAndVerify_roundTrip_andKeyEncodings() {
        NoteKey.Signer signer = NoteKey.generate("colossus.test/log", new SecureRandom());
        NoteKey.Signer back = NoteKey.parseSigner(signer.encode());
        assertThat(back.publicKey()).isEqualTo(signer.publicKey());
        NoteKey.Verifier v = NoteKey.parseVerifier(signer.verifier().encode());
        Checkpoint cp = new Checkpoint("colossus.test/log", 42, Hashes.emptyRoot());
        SignedNote note = SignedNote.sign(cp.text(), back);
        SignedNote.parse(note.encode()).verify(v);
        NoteKey.Signer impostor = NoteKey.generate("colossus.test/log", new SecureRandom());
        assertThatThrownBy(() -> SignedNote.sign(cp.text(), impostor).verify(v)).hasMessageContaining("not signed by");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n012\nAAAA\n")).hasMessageContaining("leading zeros");
    }
}
