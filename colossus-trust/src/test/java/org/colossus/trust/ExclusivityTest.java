package org.colossus.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExclusivityTest {
    private static final byte[] R_MINE = new byte[32];
    private static final byte[] R_OTHER = filled(7);

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    /** Builds a node's chained history from (index, mine, place) steps, with honest holder counts. */
    private static List<Exclusivity.Indexed> history(int node, long[][] steps) {
        List<Exclusivity.Indexed> out = new ArrayList<>();
        long prev = -1;
        int holders = 0;
        for (long[] s : steps) {
            boolean place = s[2] == 1;
            holders += place ? 1 : -1;
            byte[] holder = AuditLeaf.holderCommitment(s[1] == 1 ? "lab-a" : "lab-b", s[1] == 1 ? R_MINE : R_OTHER);
            out.add(new Exclusivity.Indexed(s[0], new AuditLeaf.Node(node, s[0] + 1, 1_000 * s[0],
                    place ? AuditLeaf.Event.PLACE : AuditLeaf.Event.RELEASE, prev, holders, holder)));
            prev = s[0];
        }
        return out;
    }

    @Test
    void check_othersBeforeAndAfter_exclusive() {
        var h = history(3, new long[][] {{1, 0, 1}, {5, 0, 0}, {9, 1, 1}, {12, 1, 0}, {20, 0, 1}});
        assertThat(Exclusivity.check(3, h.subList(1, 4), Set.of(9L, 12L))).isEmpty();
    }

    @Test
    void check_firstEventOnNode_exclusive() {
        var h = history(3, new long[][] {{9, 1, 1}, {10, 1, 1}, {11, 1, 0}, {12, 1, 0}});
        assertThat(Exclusivity.check(3, h, Set.of(9L, 10L, 11L, 12L))).isEmpty();
    }

    @Test
    void check_foreignPlacementDuringAllocation_reported() {
        var h = history(3, new long[][] {{9, 1, 1}, {10, 0, 1}, {11, 0, 0}, {12, 1, 0}});
        assertThat(Exclusivity.check(3, h, Set.of(9L, 12L)))
                .singleElement().asString().contains("another holder was placed on it").contains("leaf 10");
    }

    @Test
    void check_placedWhileForeignJobStillHeld_reported() {
        var h = history(3, new long[][] {{2, 0, 1}, {9, 1, 1}, {12, 1, 0}, {13, 0, 0}});
        assertThat(Exclusivity.check(3, h.subList(0, 3), Set.of(9L, 12L)).get(0))
                .contains("you were placed on it").contains("1 other job");
    }

    @Test
    void check_listingSkipsAnEvent_reported() {
        var h = history(3, new long[][] {{9, 1, 1}, {10, 0, 1}, {11, 0, 0}, {12, 1, 0}});
        List<Exclusivity.Indexed> skipped = List.of(h.get(0), h.get(3));
        assertThat(Exclusivity.check(3, skipped, Set.of(9L, 12L))).singleElement().asString()
                .contains("history is broken at leaf 12").contains("names leaf 11");
    }

    @Test
    void check_ownEventMissing_reportedAsFork() {
        var h = history(3, new long[][] {{9, 1, 1}, {12, 1, 0}});
        assertThat(Exclusivity.check(3, h, Set.of(9L, 12L, 15L))).singleElement().asString().contains("forked");
    }

    @Test
    void check_liedHolderCount_reportedInconsistent() {
        var h = new ArrayList<>(history(3, new long[][] {{9, 1, 1}, {12, 1, 0}}));
        AuditLeaf.Node last = h.get(1).leaf();
        h.set(1, new Exclusivity.Indexed(12, new AuditLeaf.Node(3, last.seq(), last.timeMillis(), last.event(),
                last.prev(), 1, last.holder())));
        assertThat(Exclusivity.check(3, h, Set.of(9L, 12L))).singleElement().asString().contains("inconsistent");
    }

    @Test
    void nodeLeaf_parse_roundTripsAndRefusesOtherForms() {
        var n = history(5, new long[][] {{4, 1, 1}}).get(0).leaf();
        assertThat(AuditLeaf.Node.parse(n.text()).text()).isEqualTo(n.text());
        assertThat(n.opensTo("lab-a", R_MINE)).isTrue();
        assertThat(n.opensTo("lab-b", R_MINE)).isFalse();
        assertThat(n.opensTo("lab-a", R_OTHER)).isFalse();
        assertThatThrownBy(() -> AuditLeaf.Node.parse(n.text().replace("event place", "event borrow")))
                .isInstanceOf(TrustException.class).hasMessageContaining("borrow");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(n.text().replace("node 5", "node 05")))
                .isInstanceOf(TrustException.class).hasMessageContaining("canonical");
        assertThatThrownBy(() -> AuditLeaf.Node.parse(n.text() + "extra 1\n")).isInstanceOf(TrustException.class);
    }
}
