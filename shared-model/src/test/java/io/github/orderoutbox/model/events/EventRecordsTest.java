package io.github.orderoutbox.model.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

    private static final Instant PLACED_AT = Instant.parse("2026-03-14T09:26:53Z");

    @Test
    void computesLineTotalsAndTheOrderTotalWhenPlacingAnOrder() {
        OrderPlaced placed = OrderPlaced.of("ord-1", "cus-7", List.of(
                OrderLine.of("1", "MUG-01", 3, Money.of("4.20", "EUR")),
                OrderLine.of("2", "TEA-EARLGREY", 1, Money.of("0.99", "EUR"))), PLACED_AT);

        assertThat(placed.lines().get(0).lineTotal()).isEqualTo(Money.of("12.60", "EUR"));
        assertThat(placed.total()).isEqualTo(Money.of("13.59", "EUR"));
        assertThat(placed.currency()).isEqualTo("EUR");
        assertThat(placed.itemCount()).isEqualTo(4);
    }

    @Test
    void keepsMoneyAtTwoDecimalsSoEqualAmountsAreEqual() {
        assertThat(Money.of("12.5", "EUR")).isEqualTo(Money.of("12.50", "EUR"));
        assertThat(Money.of("12.5", "EUR").amount().toPlainString()).isEqualTo("12.50");
        assertThat(new OrderPaid("ord-1", "pay-1", new BigDecimal("7"), "EUR", PLACED_AT).amount())
                .isEqualTo(new BigDecimal("7.00"));
    }

    @Test
    void refusesMoneyWithMoreThanTwoDecimalsInsteadOfRoundingIt() {
        assertThatThrownBy(() -> Money.of("12.505", "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount must have at most two decimals, was 12.505");
    }

    @Test
    void refusesNegativeMoneyAndCurrenciesThatAreNotIso4217Codes() {
        assertThatThrownBy(() -> Money.of("-1.00", "EUR")).hasMessageContaining("amount must not be negative");
        assertThatThrownBy(() -> Money.of("1.00", "eur")).hasMessageContaining("currency must be an ISO 4217 code");
        assertThatThrownBy(() -> new OrderPaid("ord-1", "pay-1", BigDecimal.ONE, "EURO", PLACED_AT))
                .hasMessageContaining("currency");
    }

    @Test
    void refusesALineOfQuantityZero() {
        assertThatThrownBy(() -> OrderLine.of("1", "MUG-01", 0, Money.of("4.20", "EUR")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quantity must be at least 1, was 0");
    }

    @Test
    void refusesALineWhoseTotalIsNotUnitPriceTimesQuantity() {
        assertThatThrownBy(() -> new OrderLine("1", "MUG-01", 3, Money.of("4.20", "EUR"), Money.of("12.00", "EUR")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line_total 12.00 EUR of line 1 is not unit_price times quantity");
    }

    @Test
    void refusesAnOrderWhoseTotalIsNotTheSumOfItsLines() {
        List<OrderLine> lines = List.of(OrderLine.of("1", "MUG-01", 3, Money.of("4.20", "EUR")));

        assertThatThrownBy(() -> new OrderPlaced("ord-1", "cus-7", lines, Money.of("12.00", "EUR"), PLACED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("total 12.00 is not the sum of the line totals 12.60");
    }

    @Test
    void refusesAnOrderMixingCurrencies() {
        List<OrderLine> lines = List.of(
                OrderLine.of("1", "MUG-01", 1, Money.of("4.20", "EUR")),
                OrderLine.of("2", "MUG-02", 1, Money.of("4.20", "USD")));

        assertThatThrownBy(() -> OrderPlaced.of("ord-1", "cus-7", lines, PLACED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USD");
    }

    @Test
    void refusesAnOrderWithTwoLinesOfOneId() {
        List<OrderLine> lines = List.of(
                OrderLine.of("1", "MUG-01", 1, Money.of("4.20", "EUR")),
                OrderLine.of("1", "MUG-02", 1, Money.of("4.20", "EUR")));

        assertThatThrownBy(() -> OrderPlaced.of("ord-1", "cus-7", lines, PLACED_AT))
                .hasMessage("line_id 1 appears twice");
    }

    @Test
    void refusesAnOrderWithoutLines() {
        assertThatThrownBy(() -> new OrderPlaced("ord-1", "cus-7", List.of(), Money.of("0.00", "EUR"), PLACED_AT))
                .hasMessage("lines must hold at least one line");
    }

    @Test
    void refusesMissingAndBlankFieldsNamingThem() {
        assertThatThrownBy(() -> new OrderShipped("ord-1", " ", "JJD0003", PLACED_AT)).hasMessage("carrier must not be blank");
        assertThatThrownBy(() -> new OrderDelivered(null, PLACED_AT)).hasMessage("order_id is required");
        assertThatThrownBy(() -> new OrderCancelled("ord-1", "customer request", null)).hasMessage("cancelled_at is required");
    }

    @Test
    void copiesTheLinesSoTheRecordStaysImmutable() {
        List<OrderLine> lines = new java.util.ArrayList<>(List.of(OrderLine.of("1", "MUG-01", 1, Money.of("4.20", "EUR"))));
        OrderPlaced placed = OrderPlaced.of("ord-1", "cus-7", lines, PLACED_AT);

        lines.clear();

        assertThat(placed.lines()).hasSize(1);
        assertThatThrownBy(() -> placed.lines().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void knowsEveryTypeByItsWireNameAndRefusesOthers() {
        assertThat(EventType.of("OrderPlaced")).isEqualTo(EventType.ORDER_PLACED);
        assertThat(EventType.of("OrderPlaced").newestVersion()).isEqualTo(OrderPlaced.VERSION);
        assertThat(EventType.of(new OrderDelivered("ord-1", PLACED_AT))).isEqualTo(EventType.ORDER_DELIVERED);
        assertThat(EventType.find("orderplaced")).isEmpty();
        assertThatThrownBy(() -> EventType.of("InvoiceIssued"))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessage("unknown event type 'InvoiceIssued'; known types are "
                        + "[OrderCancelled, OrderDelivered, OrderPaid, OrderPlaced, OrderShipped]");
    }
}
