package io.github.orderoutbox.demo.web;

import io.github.orderoutbox.demo.progress.DemoProgress;
import io.github.orderoutbox.demo.progress.DemoStatus;
import io.github.orderoutbox.demo.traffic.OrderTraffic;
import io.github.orderoutbox.demo.traffic.Poison;
import io.github.orderoutbox.model.events.OrderDelivered;
import java.util.Objects;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /demo/status} and {@code POST /demo/poison}. */
@RestController
@RequestMapping("/demo")
public class DemoController {

    private final DemoProgress progress;
    private final OrderTraffic traffic;

    public DemoController(DemoProgress progress, OrderTraffic traffic) {
        this.progress = Objects.requireNonNull(progress, "progress");
        this.traffic = Objects.requireNonNull(traffic, "traffic");
    }

    @GetMapping("/status")
    public DemoStatus status() {
        return progress.status();
    }

    /**
     * Writes one poison now: a new order, paid, then shipped and delivered by two overlapping
     * transactions, the delivery's skipping the order-row lock. Answers once all has committed.
     */
    @PostMapping("/poison")
    public PoisonWritten poison() {
        Poison poison = traffic.poisonNow();
        return new PoisonWritten(poison.orderId(), poison.eventId(), OrderDelivered.TYPE,
                "OrderDelivered was appended without the order-row lock and committed before OrderShipped (event "
                        + poison.shippedEventId() + "), whose outbox id is lower: the consumer receives it for a paid"
                        + " order, dead-letters it (SyncReadModel: delivered, but the order is paid), blocks the order"
                        + " and parks OrderShipped; redrive applies both in outbox-position order");
    }
}
