package io.github.orderoutbox.consumer.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of the orders touched since {@code --from} a replay rebuilds, and which it leaves as they
 * are and why. An order is rebuilt from its recorded events ({@code read_model.applied_event}) read
 * again from the topic, so it is left out when those cannot all be read again in their order, or
 * when it is blocked (its events wait for a redrive, which replay must not bypass).
 *
 * @param rebuild        the orders to delete and apply again
 * @param leftOut        the orders left as they are, by reason
 * @param nothingApplied touched orders without a row or a recorded event: nothing to rebuild
 *                       (their records were not applied yet, or never will be)
 * @param history        the recorded events of the orders to rebuild
 */
record RebuildPlan(SortedSet<String> rebuild, Map<LeftOut, SortedSet<String>> leftOut, int nothingApplied,
                   RecordedHistory history) {

    static final String ORDER_PLACED = "OrderPlaced";

    /** Why a touched order is not rebuilt. */
    enum LeftOut {
        BLOCKED("blocked by a dead-lettered event, waiting for a redrive"),
        HISTORY_NOT_RECORDED("no OrderPlaced recorded in read_model.applied_event: where the history starts is unknown"),
        OTHER_TOPIC("events applied from another topic"),
        SEVERAL_PARTITIONS("events applied from several partitions, whose relative order a replay cannot restore"),
        NO_LONGER_IN_TOPIC("events before the start of their partition, deleted by retention");

        private final String reason;

        LeftOut(String reason) {
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /**
     * @param touched    orders with a record in the window
     * @param blocked    those of them that are blocked
     * @param stored     those of them that have an {@code order_summary} row
     * @param recorded   the recorded events of the touched orders that are not blocked
     * @param topic      the topic a replay reads
     * @param logStarts  per partition, the first offset still in the topic
     */
    static RebuildPlan of(Collection<String> touched, Set<String> blocked, Set<String> stored,
                          Collection<RecordedEvent> recorded, String topic, Map<Integer, Long> logStarts) {
        Map<String, List<RecordedEvent>> byOrder = new HashMap<>();
        for (RecordedEvent event : recorded) {
            byOrder.computeIfAbsent(event.orderId(), o -> new ArrayList<>()).add(event);
        }
        SortedSet<String> rebuild = new TreeSet<>();
        Map<LeftOut, SortedSet<String>> leftOut = new EnumMap<>(LeftOut.class);
        List<RecordedEvent> toFeed = new ArrayList<>();
        int nothingApplied = 0;
        for (String orderId : touched) {
            List<RecordedEvent> events = byOrder.getOrDefault(orderId, List.of());
            LeftOut reason = null;
            if (blocked.contains(orderId)) {
                reason = LeftOut.BLOCKED;
            } else if (events.isEmpty() && !stored.contains(orderId)) {
                nothingApplied++;
                continue;
            } else if (events.stream().noneMatch(e -> ORDER_PLACED.equals(e.eventType()))) {
                reason = LeftOut.HISTORY_NOT_RECORDED;
            } else if (events.stream().anyMatch(e -> !topic.equals(e.topic()))) {
                reason = LeftOut.OTHER_TOPIC;
            } else if (events.stream().map(RecordedEvent::partition).distinct().count() > 1) {
                reason = LeftOut.SEVERAL_PARTITIONS;
            } else if (events.stream().anyMatch(e -> e.offset() < logStarts.getOrDefault(e.partition(), 0L))) {
                reason = LeftOut.NO_LONGER_IN_TOPIC;
            }
            if (reason != null) {
                leftOut.computeIfAbsent(reason, r -> new TreeSet<>()).add(orderId);
            } else {
                rebuild.add(orderId);
                toFeed.addAll(events);
            }
        }
        return new RebuildPlan(rebuild, leftOut, nothingApplied, new RecordedHistory(toFeed));
    }

    int leftOutCount() {
        return leftOut.values().stream().mapToInt(Set::size).sum();
    }
}
