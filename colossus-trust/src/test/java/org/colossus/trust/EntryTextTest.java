package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The verifier's hand-written readers of entry and node-leaf texts agree with the exact forms they replace. */
class EntryTextTest {
    private static final String MARKER = TenantVerifier.tenantMarker("lab-a");

    @Test
    void ownTail_ownEntry_readsSeqAndTime() {
        String c = "{\"actor\":\"lab-a\",\"payload\":{\"name\":\"x\",\"nodes\":[3,1]},\"seq\":42,\"tenant\":\"lab-a\","
                + "\"time\":1795657787654,\"type\":\"job.placed\"}";
        assertThat(TenantVerifier.ownTail(c, MARKER)).containsExactly(42, 1795657787654L);
    }

    @Test
    void ownTail_otherTenantOrBrokenTail_isNull() {
        String base = "{\"payload\":{},\"seq\":4,\"tenant\":\"lab-a\",\"time\":5,\"type\":\"job.placed\"}";
        assertThat(TenantVerifier.ownTail(base.replace("lab-a", "lab-b"), MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base.replace("\"tenant\":\"lab-a\"", "\"tenant\":null"), MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base.replace("\"seq\":4", "\"seq\":-4"), MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base.replace("\"time\":5", "\"time\":5.0"), MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base.replace("job.placed", "job\\\"placed"), MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base + " ", MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base.replace("\"seq\":4,", ""), MARKER)).isNull();
        assertThat(TenantVerifier.ownTail(base.replace("\"time\":5", "\"time\":-5"), MARKER)).containsExactly(4, -5);
    }

    /** Random tails, well-formed and damaged: wherever the full pattern finds this tenant's entry, so does ownTail. */
    @TestFactory
    List<DynamicTest> ownTail_randomTexts_agreesWithThePattern() {
        return List.of(7L, 8L, 9L).stream().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            String[] pieces = {"{\"payload\":{\"a\":\"", ",\"seq\":", "12", ",\"tenant\":", "\"lab-a\"", "\"lab-b\"",
                "null", ",\"time\":", "-7", "99", ",\"type\":\"", "job.placed", "\"}", "\\\"", ",", "}", "\"", "x"};
            for (int i = 0; i < 20_000; i++) {
                String c;
                if (rnd.nextInt(3) == 0) {
                    StringBuilder b = new StringBuilder();
                    for (int k = rnd.nextInt(12); k > 0; k--) {
                        b.append(pieces[rnd.nextInt(pieces.length)]);
                    }
                    c = b.toString();
                } else {
                    c = "{\"payload\":{\"x\":" + rnd.nextInt(100) + "},\"seq\":" + rnd.nextLong(1, 1L << 40)
                            + ",\"tenant\":" + (rnd.nextBoolean() ? "\"lab-a\"" : "\"lab-b\"") + ",\"time\":"
                            + rnd.nextLong(-5, 1L << 42) + ",\"type\":\"job.placed\"}";
                    if (rnd.nextInt(4) == 0) {
                        int at = rnd.nextInt(c.length());
                        c = c.substring(0, at) + pieces[rnd.nextInt(pieces.length)] + c.substring(at + rnd.nextInt(2));
                    }
                }
                Matcher m = TenantVerifier.TAIL.matcher(c);
                long[] fast = TenantVerifier.ownTail(c, MARKER);
                boolean own = m.find() && m.group(2).equals("\"lab-a\"") && m.group(1).length() <= 18
                        && m.group(3).length() <= 18;
                assertThat(fast != null).as(c).isEqualTo(own);
                if (own) {
                    assertThat(fast).as(c).containsExactly(Long.parseLong(m.group(1)), Long.parseLong(m.group(3)));
                }
            }
        })).toList();
    }

    @Test
    void placedNodes_lists_distinctAscendingOrNullWhenMalformed() {
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[5,2,5,10],\"x\":1}")).containsExactly(2, 5, 10);
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[]}")).isEmpty();
        assertThat(TenantVerifier.placedNodes("{\"other\":1}")).isEmpty();
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[1,,2]}")).isNull();
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[1,]}")).isNull();
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[,1]}")).isNull();
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[1,-2]}")).isNull();
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[1,2")).isNull();
        assertThat(TenantVerifier.placedNodes("{\"nodes\":[12345678901]}")).isNull();
    }

    @Test
    void nodeParse_nonCanonicalForms_refusedNamingTheField() {
        AuditLeaf.Node n = new AuditLeaf.Node(5, 9, 1_000, AuditLeaf.Event.PLACE, -1, 1, new byte[32]);
        String t = n.text();
        assertThat(AuditLeaf.Node.parse(t).text()).isEqualTo(t);
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("node 5", "node +5"))).hasMessageContaining("node '+5'");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("prev -1", "prev -0"))).hasMessageContaining("canonical");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("prev -1", "prev -01"))).hasMessageContaining("canonical");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("seq 9", "seq "))).hasMessageContaining("seq ''");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("seq 9", "seq"))).hasMessageContaining("line 3");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("time 1000\n", ""))).hasMessageContaining("expected 'time");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("node 5", "node 99999999999"))).hasMessageContaining("range");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t + "x 1\n")).hasMessageContaining("then more");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.substring(0, t.length() - 1))).hasMessageContaining("not a");
        // 32 zero bytes are "AAAA...AAA=": a last character with unused bits set decodes to the same bytes.
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("AAA=\n", "AAB=\n"))).hasMessageContaining("canonical");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(t.replace("AAA=\n", "AA=\n"))).isInstanceOf(TrustException.class);
    }

    /** Seeded random node leaves of every field's extremes parse back to themselves. */
    @TestFactory
    List<DynamicTest> nodeParse_randomLeaves_roundTrip() {
        return List.of(1L, 2L).stream().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            long[] longs = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE};
            int[] ints = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE};
            for (int i = 0; i < 5_000; i++) {
                byte[] holder = new byte[32];
                rnd.nextBytes(holder);
                AuditLeaf.Node n = new AuditLeaf.Node(rnd.nextBoolean() ? ints[rnd.nextInt(5)] : rnd.nextInt(),
                        rnd.nextBoolean() ? longs[rnd.nextInt(5)] : rnd.nextLong(), rnd.nextLong(),
                        rnd.nextBoolean() ? AuditLeaf.Event.PLACE : AuditLeaf.Event.RELEASE, rnd.nextLong(),
                        rnd.nextBoolean() ? ints[rnd.nextInt(5)] : rnd.nextInt(), holder);
                AuditLeaf.Node back = AuditLeaf.Node.parse(n.text());
                assertThat(back.text()).isEqualTo(n.text());
                assertThat(back.holder()).isEqualTo(holder);
            }
        })).toList();
    }
}
