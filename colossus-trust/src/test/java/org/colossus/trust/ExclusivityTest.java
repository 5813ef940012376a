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

    /** Runs the check as the verifier would: own leaves, everything else served, the next event after the last own. */
    private static List<String> check(List<Exclusivity.Indexed> history, Set<Long> own) {
        List<Exclusivity.Indexed> mine = history.stream().filter(e -> own.contains(e.index())).toList();
        java.util.Map<Long, AuditLeaf.Node> served = new java.util.HashMap<>();
        history.forEach(e -> served.put(e.index(), e.leaf()));
        long last = mine.get(mine.size() - 1).index();
        Exclusivity.Indexed next = history.stream().filter(e -> e.index() > last).findFirst().orElse(null);
        return Exclusivity.check(3, null, mine, served, next).problems();
    }

    @Test
    void check_othersBeforeAndAfter_exclusive() {
        var h = history(3, new long[][] {{1, 0, 1}, {5, 0, 0}, {9, 1, 1}, {12, 1, 0}, {20, 0, 1}});
        assertThat(check(h, Set.of(9L, 12L))).isEmpty();
    }

    @Test
    void check_firstEventOnNodeAndTwoOwnJobs_exclusive() {
        var h = history(3, new long[][] {{9, 1, 1}, {10, 1, 1}, {11, 1, 0}, {12, 1, 0}, {13, 0, 1}});
        assertThat(check(h, Set.of(9L, 10L, 11L, 12L))).isEmpty();
    }

    @Test
    void check_foreignJobCameAndWentDuringAllocation_reported() {
        var h = history(3, new long[][] {{9, 1, 1}, {10, 0, 1}, {11, 0, 0}, {12, 1, 0}});
        assertThat(check(h, Set.of(9L, 12L))).singleElement().asString()
                .contains("another holder was released from it").contains("leaf 11").contains("while you held it");
    }

    @Test
    void check_foreignPlacementWhileStillHeld_reported() {
        var h = history(3, new long[][] {{9, 1, 1}, {10, 0, 1}});
        assertThat(check(h, Set.of(9L))).singleElement().asString()
                .contains("another holder was placed on it").contains("leaf 10").contains("while you held it");
    }

    @Test
    void check_placedWhileForeignJobStillHeld_reported() {
        var h = history(3, new long[][] {{2, 0, 1}, {9, 1, 1}, {12, 1, 0}, {13, 0, 0}});
        assertThat(check(h.subList(0, 3), Set.of(9L, 12L)).get(0))
                .contains("you were placed on it").contains("1 other job");
    }

    @Test
    void check_namedLeafNotServed_reported() {
        var h = history(3, new long[][] {{2, 0, 1}, {3, 0, 0}, {9, 1, 1}});
        var mine = List.of(h.get(2));
        assertThat(Exclusivity.check(3, null, mine, java.util.Map.of(), null).problems()).singleElement().asString()
                .contains("did not serve leaf 3");
    }

    @Test
    void check_liedHolderCount_reportedInconsistent() {
        var h = new ArrayList<>(history(3, new long[][] {{9, 1, 1}, {12, 1, 0}}));
        AuditLeaf.Node last = h.get(1).leaf();
        h.set(1, new Exclusivity.Indexed(12, new AuditLeaf.Node(3, last.seq(), last.timeMillis(), last.event(),
                last.prev(), 1, last.holder())));
        assertThat(check(h, Set.of(9L, 12L))).singleElement().asString().contains("inconsistent");
    }

    @Test
    void check_resumedFromAnEarlierRun_continuesTheCount() {
        var h = history(3, new long[][] {{9, 1, 1}, {12, 1, 0}});
        var first = Exclusivity.check(3, null, List.of(h.get(0)), java.util.Map.of(), null);
        assertThat(first.problems()).isEmpty();
        assertThat(first.next()).isEqualTo(new Exclusivity.Start(9, 1, 1));
        var second = Exclusivity.check(3, first.next(), List.of(h.get(1)), java.util.Map.of(), null);
        assertThat(second.problems()).isEmpty();
        assertThat(second.next()).isNull();
        var intruded = history(3, new long[][] {{9, 1, 1}, {10, 0, 1}});
        assertThat(Exclusivity.check(3, first.next(), List.of(), java.util.Map.of(), intruded.get(1)).problems())
                .singleElement().asString().contains("another holder was placed on it");
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
