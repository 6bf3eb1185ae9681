package io.github.orderoutbox.relay.publish;

import java.util.Map;
import java.util.Optional;

/** Chooses the topic of an event from its aggregate type ({@code order} to {@code orders.events} by default). */
public class TopicRouter {

    private final Map<String, String> topicsByAggregateType;

    public TopicRouter(Map<String, String> topicsByAggregateType) {
        this.topicsByAggregateType = Map.copyOf(topicsByAggregateType);
    }

    public Optional<String> topicFor(String aggregateType) {
        return Optional.ofNullable(topicsByAggregateType.get(aggregateType));
    }

    public java.util.Collection<String> allTopics() {
        return topicsByAggregateType.values().stream().distinct().sorted().toList();
    }
}
