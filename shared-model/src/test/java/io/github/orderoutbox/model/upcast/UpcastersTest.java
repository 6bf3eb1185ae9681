package io.github.orderoutbox.model.upcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.NonRetryableEventException;
import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import io.github.orderoutbox.model.rejection.UnknownEventVersionException;
import io.github.orderoutbox.model.rejection.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class UpcastersTest {

    private static final EventJson JSON = new EventJson();
    private static final Upcasters UPCASTERS = Upcasters.standard();

    private static final String ORDER_PLACED_V1 = """
            {"order_id": "ord-1", "customer_id": "cus-7", "currency": "EUR",
             "items": [{"sku": "MUG-01", "quantity": 3, "unit_price": "4.20"},
                       {"sku": "TEA-EARLGREY", "quantity": 1, "unit_price": "0.99"}],
             "placed_at": "2026-03-14T10:26:53+01:00"}
            """;

    @Test
    void upcastsOrderPlacedV1ToV2WithNumberedLinesMoneyWithCurrencyAndExactTotals() {
        JsonNode v2 = UPCASTERS.toNewest("OrderPlaced", 1, JSON.readTree(ORDER_PLACED_V1));

        assertThat(v2).isEqualTo(JSON.readTree("""
                {"order_id": "ord-1", "customer_id": "cus-7",
                 "lines": [
                   {"line_id": "1", "sku": "MUG-01", "quantity": 3,
                    "unit_price": {"amount": "4.20", "currency": "EUR"},
                    "line_total": {"amount": "12.60", "currency": "EUR"}},
                   {"line_id": "2", "sku": "TEA-EARLGREY", "quantity": 1,
                    "unit_price": {"amount": "0.99", "currency": "EUR"},
                    "line_total": {"amount": "0.99", "currency": "EUR"}}],
                 "total": {"amount": "13.59", "currency": "EUR"},
                 "placed_at": "2026-03-14T10:26:53+01:00"}
                """));
    }

    @Test
    void computesTotalsInDecimalsWhereBinaryFloatsWouldDrift() {
        // 0.10 + 0.20 is 0.30000000000000004 in binary floating point
        JsonNode v2 = UPCASTERS.toNewest("OrderPlaced", 1, JSON.readTree("""
                {"order_id": "ord-1", "customer_id": "cus-7", "currency": "EUR",
                 "items": [{"sku": "A", "quantity": 1, "unit_price": "0.10"},
                           {"sku": "B", "quantity": 1, "unit_price": "0.20"}],
                 "placed_at": "2026-03-14T09:26:53Z"}
                """));

        assertThat(v2.get("total").get("amount").stringValue()).isEqualTo("0.30");
    }

    @Test
    void leavesTheOlderTreeUnchanged() {
        JsonNode v1 = JSON.readTree(ORDER_PLACED_V1);
        JsonNode copy = v1.deepCopy();

        UPCASTERS.toNewest("OrderPlaced", 1, v1);

        assertThat(v1).isEqualTo(copy);
    }

    @Test
    void upcastsTheSameTreeTheSameWayEveryTimeSoAReplayMatches() {
        assertThat(UPCASTERS.toNewest("OrderPlaced", 1, JSON.readTree(ORDER_PLACED_V1)))
                .isEqualTo(UPCASTERS.toNewest("OrderPlaced", 1, JSON.readTree(ORDER_PLACED_V1)));
    }

    @Test
    void returnsAPayloadAlreadyAtTheNewestVersionAsItIs() {
        JsonNode paid = JSON.readTree("{\"order_id\": \"ord-1\"}");

        assertThat(UPCASTERS.toNewest("OrderPaid", 1, paid)).isSameAs(paid);
    }

    @Test
    void reportsTheNewestKnownVersionOfEveryType() {
        assertThat(UPCASTERS.newestVersions()).containsExactly(
                Map.entry("OrderPlaced", 2), Map.entry("OrderPaid", 1), Map.entry("OrderShipped", 1),
                Map.entry("OrderDelivered", 1), Map.entry("OrderCancelled", 1));
        assertThat(UPCASTERS.newestVersion("OrderPlaced")).isEqualTo(2);
    }

    @Test
    void raisesUnknownEventVersionExceptionForAVersionNewerThanItKnows() {
        assertThatThrownBy(() -> UPCASTERS.toNewest("OrderPlaced", 3, JSON.readTree(ORDER_PLACED_V1)))
                .isInstanceOf(UnknownEventVersionException.class)
                .isInstanceOf(NonRetryableEventException.class)
                .hasMessage("OrderPlaced v3 is newer than the newest known version v2");
    }

    @Test
    void raisesUnknownEventTypeExceptionForATypeItDoesNotKnow() {
        assertThatThrownBy(() -> UPCASTERS.toNewest("InvoiceIssued", 1, JSON.readTree("{}")))
                .isInstanceOf(UnknownEventTypeException.class)
                .isInstanceOf(NonRetryableEventException.class);
        assertThatThrownBy(() -> UPCASTERS.newestVersion("InvoiceIssued"))
                .isInstanceOf(UnknownEventTypeException.class);
    }

    @Test
    void refusesVersionZeroAsInvalid() {
        assertThatThrownBy(() -> UPCASTERS.toNewest("OrderPlaced", 0, JSON.readTree(ORDER_PLACED_V1)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("ce_eventversion");
    }

    @Test
    void namesTheMissingFieldWhenAPayloadThatSkippedValidationCannotBeUpcast() {
        JsonNode withoutPrice = JSON.readTree("""
                {"order_id": "ord-1", "customer_id": "cus-7", "currency": "EUR",
                 "items": [{"sku": "MUG-01", "quantity": 3}], "placed_at": "2026-03-14T09:26:53Z"}
                """);

        assertThatThrownBy(() -> UPCASTERS.toNewest("OrderPlaced", 1, withoutPrice))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).violations())
                        .extracting(Violation::field).containsExactly("$.items[0].unit_price"));
    }

    @Test
    void refusesARegistryWithAGapInAChain() {
        assertThatThrownBy(() -> new Upcasters(Map.of("OrderPlaced", 3), List.of(new OrderPlacedV1ToV2())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no upcaster from OrderPlaced v2 to v3");
    }

    @Test
    void refusesTwoUpcastersForOneStep() {
        assertThatThrownBy(() -> new Upcasters(Map.of("OrderPlaced", 2), List.of(new OrderPlacedV1ToV2(), new OrderPlacedV1ToV2())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("two upcasters read OrderPlaced v1");
    }

    @Test
    void refusesAnUpcasterBeyondTheNewestVersion() {
        assertThatThrownBy(() -> new Upcasters(Map.of("OrderPlaced", 1), List.of(new OrderPlacedV1ToV2())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the newest version is v1");
    }

    @Test
    void refusesAnUpcasterForAnUnknownType() {
        assertThatThrownBy(() -> new Upcasters(Map.of("OrderPaid", 1), List.of(new OrderPlacedV1ToV2())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown type OrderPlaced");
    }
}
