package io.github.orderoutbox.model.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderDelivered;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.UnreadableEventException;
import io.github.orderoutbox.model.rejection.Violation;
import io.github.orderoutbox.model.schema.EventSchemas;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EventJsonTest {

    private static final EventJson JSON = new EventJson();
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final Instant AT = Instant.parse("2026-03-14T09:26:53.120Z");

    static List<OrderEvent> oneEventOfEveryType() {
        return List.of(
                OrderPlaced.of("ord-1", "cus-7", List.of(
                        OrderLine.of("1", "MUG-01", 3, Money.of("4.20", "EUR")),
                        OrderLine.of("2", "TEA-EARLGREY", 1, Money.of("0.99", "EUR"))), AT),
                new OrderPaid("ord-1", "pay-1", new BigDecimal("13.59"), "EUR", AT),
                new OrderShipped("ord-1", "DHL", "JJD000390007748395731", AT),
                new OrderDelivered("ord-1", AT),
                new OrderCancelled("ord-1", "customer request", AT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneEventOfEveryType")
    void writesEveryRecordAsAPayloadValidAgainstTheNewestSchemaAndReadsItBack(OrderEvent event) {
        EventType type = EventType.of(event);

        byte[] payload = JSON.write(event);

        assertThat(SCHEMAS.validate(type.typeName(), type.newestVersion(), payload)).isEmpty();
        assertThat(JSON.read(type.typeName(), JSON.readTree(payload))).isEqualTo(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneEventOfEveryType")
    void anyJackson3MapperWritesTheSamePayloadBecauseTheRecordsDeclareTheirShape(OrderEvent event) {
        JsonMapper plain = JsonMapper.builder().build();

        assertThat(plain.readTree(plain.writeValueAsBytes(event))).isEqualTo(JSON.readTree(JSON.write(event)));
    }

    @Test
    void writesMoneyAsDecimalStringsAndTimestampsAsRfc3339() {
        String payload = JSON.writeString(new OrderPaid("ord-1", "pay-1", new BigDecimal("1200"), "EUR", AT));

        assertThat(payload).isEqualTo("""
                {"order_id":"ord-1","payment_id":"pay-1","amount":"1200.00","currency":"EUR",\
                "paid_at":"2026-03-14T09:26:53.120Z"}""");
    }

    @Test
    void readsMoneyFromDecimalStringsIntoBigDecimalWithoutLoss() {
        OrderPaid paid = JSON.read(JSON.readTree("""
                {"order_id": "ord-1", "payment_id": "pay-1", "amount": "123456789012345.67", "currency": "EUR",
                 "paid_at": "2026-03-14T09:27:40Z"}
                """), OrderPaid.class);

        assertThat(paid.amount()).isEqualTo(new BigDecimal("123456789012345.67"));
    }

    @Test
    void readsRfc3339TimestampsWithAnyOffsetAsTheSameInstant() {
        OrderDelivered utc = JSON.read(JSON.readTree("{\"order_id\": \"o\", \"delivered_at\": \"2026-03-17T09:31:22.5Z\"}"),
                OrderDelivered.class);
        OrderDelivered paris = JSON.read(JSON.readTree("{\"order_id\": \"o\", \"delivered_at\": \"2026-03-17T10:31:22.500+01:00\"}"),
                OrderDelivered.class);

        assertThat(paris.deliveredAt()).isEqualTo(utc.deliveredAt()).isEqualTo(Instant.parse("2026-03-17T09:31:22.500Z"));
    }

    @Test
    void reportsARecordRuleTheSchemaCannotStateAsAnInvalidEventNamingTheField() {
        JsonNode totalNotTheSum = JSON.readTree("""
                {"order_id": "ord-1", "customer_id": "cus-7",
                 "lines": [{"line_id": "1", "sku": "MUG-01", "quantity": 3,
                            "unit_price": {"amount": "4.20", "currency": "EUR"},
                            "line_total": {"amount": "12.60", "currency": "EUR"}}],
                 "total": {"amount": "99.00", "currency": "EUR"}, "placed_at": "2026-03-14T09:26:53Z"}
                """);
        assertThat(SCHEMAS.validate("OrderPlaced", 2, totalNotTheSum)).isEmpty();

        assertThatThrownBy(() -> JSON.read("OrderPlaced", totalNotTheSum))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("total 99.00 is not the sum of the line totals 12.60");
    }

    @Test
    void reportsAFieldThatDoesNotFitTheRecordByItsPath() {
        JsonNode quantityTooBig = JSON.readTree("""
                {"order_id": "ord-1", "customer_id": "cus-7",
                 "lines": [{"line_id": "1", "sku": "MUG-01", "quantity": 3000000000,
                            "unit_price": {"amount": "4.20", "currency": "EUR"},
                            "line_total": {"amount": "12.60", "currency": "EUR"}}],
                 "total": {"amount": "12.60", "currency": "EUR"}, "placed_at": "2026-03-14T09:26:53Z"}
                """);

        assertThatThrownBy(() -> JSON.read("OrderPlaced", quantityTooBig))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).violations())
                        .extracting(Violation::field).containsExactly("$.lines[0].quantity"));
    }

    @Test
    void refusesPayloadsThatAreNotOneJsonDocument() {
        assertThatThrownBy(() -> JSON.readTree("{\"order_id\": \"o\"} {\"order_id\": \"p\"}".getBytes(UTF_8)))
                .isInstanceOf(UnreadableEventException.class);
        assertThatThrownBy(() -> JSON.readTree("{\"order_id\": \"o\", \"order_id\": \"p\"}"))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("order_id");
        assertThatThrownBy(() -> JSON.readTree("   ")).isInstanceOf(UnreadableEventException.class);
    }
}
