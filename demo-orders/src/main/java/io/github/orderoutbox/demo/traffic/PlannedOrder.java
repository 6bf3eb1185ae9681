package io.github.orderoutbox.demo.traffic;

import io.github.orderoutbox.model.events.OrderPlaced;
import java.util.List;

/**
 * An order to place and the changes it will go through after that, the last of which leaves it
 * delivered or cancelled.
 */
public record PlannedOrder(OrderPlaced order, List<Step> steps) {

    public PlannedOrder {
        steps = List.copyOf(steps);
    }

    public String orderId() {
        return order.orderId();
    }
}
