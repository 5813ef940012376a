package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AuditLeafTest {
    @Test
    void openings_perThreadHmac_equalTheOneShotOpening() throws Exception {
        byte[] secret = new byte[32];
        new SplittableRandom(5).nextBytes(secret);
        AuditLeaf.Openings openings = new AuditLeaf.Openings(secret);
        for (long seq : new long[] {1, 2, 999, 1L << 40}) {
            assertThat(openings.of(seq)).isEqualTo(AuditLeaf.opening(secret, seq));
        }
        byte[][] fromOtherThread = new byte[1][];
        Thread t = new Thread(() -> fromOtherThread[0] = openings.of(7));
        t.start();
        t.join();
        assertThat(fromOtherThread[0]).isEqualTo(AuditLeaf.opening(secret, 7));
        secret[0] ^= 1; // the openings keep their own copy of the key
        assertThat(openings.of(7)).isEqualTo(fromOtherThread[0]);
    }

    @Test
    void holderCommitment_sameAsAFreshDigest() throws Exception {
        byte[] opening = AuditLeaf.opening(new byte[32], 3);
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update("colossus-holder/v1\nlab-a\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(AuditLeaf.holderCommitment("lab-a", opening)).isEqualTo(md.digest(opening));
    }
}
