package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Assertions on the per-order sequence numbers read back from Kafka. */
final class CommitOrder {

    private CommitOrder() {
    }

    /** Every order holds exactly its events 1..n, once each, in commit order. */
    static void assertExactlyOnceInCommitOrder(Map<String, List<Integer>> seqByOrder, int orders, int eventsPerOrder) {
        List<Integer> expected = IntStream.rangeClosed(1, eventsPerOrder).boxed().toList();
        assertThat(seqByOrder).hasSize(orders);
        seqByOrder.forEach((order, seqs) -> assertThat(seqs).as("events of %s", order).isEqualTo(expected));
    }

    /**
     * At least once, in commit order: reading each order's events and keeping the first copy of
     * each, the events are 1..n with none missing and none ahead of an earlier one. Copies after a
     * crash are allowed (they are the resent tail of a batch), reordering of first copies is not.
     *
     * @return the number of duplicate copies seen
     */
    static int assertAllInCommitOrder(Map<String, List<Integer>> seqByOrder, Map<String, Integer> expectedCountByOrder) {
        int duplicates = 0;
        assertThat(seqByOrder.keySet()).containsExactlyInAnyOrderElementsOf(expectedCountByOrder.keySet());
        for (var entry : seqByOrder.entrySet()) {
            List<Integer> firsts = new ArrayList<>(new LinkedHashSet<>(entry.getValue()));
            duplicates += entry.getValue().size() - firsts.size();
            int n = expectedCountByOrder.get(entry.getKey());
            assertThat(firsts).as("first copies of the events of %s", entry.getKey())
                    .isEqualTo(IntStream.rangeClosed(1, n).boxed().toList());
        }
        return duplicates;
    }
}
