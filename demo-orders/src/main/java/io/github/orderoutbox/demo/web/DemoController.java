package io.github.orderoutbox.demo.web;

import io.github.orderoutbox.demo.progress.DemoProgress;
import io.github.orderoutbox.demo.progress.DemoStatus;
import io.github.orderoutbox.demo.traffic.OrderTraffic;
import io.github.orderoutbox.demo.traffic.Poison;
import io.github.orderoutbox.model.events.OrderPaid;
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

    /** Writes one poison event now: a new order, paid in another currency than its own. */
    @PostMapping("/poison")
    public PoisonWritten poison() {
        Poison poison = traffic.poisonNow();
        return new PoisonWritten(poison.orderId(), poison.eventId(), OrderPaid.TYPE,
                "paid in " + poison.paidCurrency() + " but the order is in " + poison.orderCurrency()
                        + ": the consumer dead-letters it (SyncReadModel) and blocks the order");
    }
}
