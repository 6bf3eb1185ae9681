package io.github.orderoutbox.consumer.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The events recorded as applied to the orders a replay rebuilds, and how far pass 2 has fed them
 * again. Pass 2 feeds exactly these events, each order's in the order they were applied, which is
 * their outbox position ({@code applied_event.position}), so the rebuilt read model is the one the
 * first run made; any other record of the topic (a later copy of an applied one, one that was
 * dead-lettered) is not fed, as it did not shape the read model.
 *
 * <p>Usually an order's events turn up in the partition in that order. Example: order o-1 was
 * applied from partition 2 at offsets 10 (placed), 15 (paid) and 40 (shipped). Pass 2 reads
 * partition 2 from offset 10. Meeting placed again at offset 70 (the relay republished it) is a
 * later copy of an event already fed, and is left out.
 *
 * <p>A redrive can apply an order's events in another order than the partition's: it applies them
 * in outbox-position order, so a payment at position 7 republished after the shipment at position
 * 8 (offsets 40 and 30) was applied before it. Meeting the shipment first, pass 2 holds it
 * ({@link Match#HOLD}) until the payment has been fed, then feeds it. An event held to the end of
 * the partition means an earlier one is not where it was recorded (the topic was recreated or its
 * records deleted): it is reported as not fed, and the replay stops.
 */
final class RecordedHistory {

    /** What to do with a record pass 2 read. */
    enum Match {
        /** The next recorded event of its order: apply it. */
        FEED,
        /**
         * A recorded event whose order has an earlier recorded event not fed yet: keep it until
         * {@link #takeHeld} hands it back, right after that earlier event.
         */
        HOLD,
        /** A recorded event fed already, read again from a later copy: leave it. */
        AGAIN,
        /** Not an event recorded for an order being rebuilt: leave it. */
        OTHER
    }

    private final Map<UUID, RecordedEvent> byId = new HashMap<>();
    private final Map<UUID, Integer> indexInOrder = new HashMap<>();
    private final Map<String, List<RecordedEvent>> byOrder = new HashMap<>();
    private final Map<String, Integer> nextOfOrder = new HashMap<>();
    private final Map<Integer, Integer> pendingByPartition = new HashMap<>();
    private final Set<UUID> held = new HashSet<>();
    private final SortedMap<Integer, Long> firstOffsets = new TreeMap<>();
    private final SortedMap<Integer, Long> lastOffsets = new TreeMap<>();

    /** @param events the recorded events of the orders to rebuild, each order's in one partition */
    RecordedHistory(Collection<RecordedEvent> events) {
        for (RecordedEvent event : events) {
            byId.put(event.eventId(), event);
            byOrder.computeIfAbsent(event.orderId(), o -> new ArrayList<>()).add(event);
            pendingByPartition.merge(event.partition(), 1, Integer::sum);
            firstOffsets.merge(event.partition(), event.offset(), Math::min);
            lastOffsets.merge(event.partition(), event.offset(), Math::max);
        }
        for (List<RecordedEvent> ofOrder : byOrder.values()) {
            ofOrder.sort(Comparator.comparingLong(RecordedEvent::position).thenComparingLong(RecordedEvent::offset));
            for (int i = 0; i < ofOrder.size(); i++) {
                indexInOrder.put(ofOrder.get(i).eventId(), i);
            }
        }
    }

    /** How many events are recorded. */
    int size() {
        return byId.size();
    }

    Set<UUID> eventIds() {
        return Set.copyOf(byId.keySet());
    }

    /** Per partition holding recorded events, the offset of the first: where pass 2 starts reading it. */
    SortedMap<Integer, Long> firstOffsets() {
        return firstOffsets;
    }

    /** Per partition holding recorded events, the offset of the last: where pass 2 stops reading it. */
    SortedMap<Integer, Long> lastOffsets() {
        return lastOffsets;
    }

    /**
     * Decides about a record of this partition with this event id, and counts it as fed if it is
     * to be fed. After a {@link Match#FEED}, the caller feeds what {@link #takeHeld} hands back.
     */
    Match match(int partition, UUID eventId) {
        RecordedEvent recorded = eventId == null ? null : byId.get(eventId);
        if (recorded == null || recorded.partition() != partition) {
            return Match.OTHER;
        }
        int index = indexInOrder.get(eventId);
        int next = nextOfOrder.getOrDefault(recorded.orderId(), 0);
        if (index < next || held.contains(eventId)) {
            return Match.AGAIN;
        }
        if (index > next) {
            held.add(eventId);
            return Match.HOLD;
        }
        fed(recorded);
        return Match.FEED;
    }

    /**
     * The held event that comes next in the order of this one, if there is one, counted as fed;
     * called after each event fed until it returns nothing.
     */
    Optional<UUID> takeHeld(UUID fedEventId) {
        RecordedEvent fed = byId.get(fedEventId);
        List<RecordedEvent> ofOrder = byOrder.get(fed.orderId());
        int next = nextOfOrder.getOrDefault(fed.orderId(), 0);
        if (next >= ofOrder.size() || !held.remove(ofOrder.get(next).eventId())) {
            return Optional.empty();
        }
        fed(ofOrder.get(next));
        return Optional.of(ofOrder.get(next).eventId());
    }

    private void fed(RecordedEvent recorded) {
        nextOfOrder.merge(recorded.orderId(), 1, Integer::sum);
        pendingByPartition.merge(recorded.partition(), -1, Integer::sum);
    }

    /** Recorded events of the partition not fed yet; reading it can stop at 0. */
    int pending(int partition) {
        return pendingByPartition.getOrDefault(partition, 0);
    }

    /** The recorded events of the partition not fed, in offset order. */
    List<RecordedEvent> notFed(int partition) {
        List<RecordedEvent> missing = new ArrayList<>();
        byOrder.forEach((orderId, events) -> {
            for (int i = nextOfOrder.getOrDefault(orderId, 0); i < events.size(); i++) {
                if (events.get(i).partition() == partition) {
                    missing.add(events.get(i));
                }
            }
        });
        missing.sort(Comparator.comparingLong(RecordedEvent::offset));
        return missing;
    }

    static String describe(RecordedEvent event) {
        return event.eventType() + " " + event.eventId() + " (recorded at " + event.topic() + "-" + event.partition()
                + "@" + event.offset() + ")";
    }
}
