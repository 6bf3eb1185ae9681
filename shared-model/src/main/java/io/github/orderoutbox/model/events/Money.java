package io.github.orderoutbox.model.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;

/**
 * An amount of money in one currency, as it appears in {@link OrderPlaced} v2:
 * {@code {"amount": "12.50", "currency": "EUR"}}.
 *
 * <p>The amount is a decimal string with exactly two decimals on the wire and a {@link BigDecimal}
 * of scale 2 here, never a binary float; it is not negative.
 *
 * @param amount   at most two decimals; {@code 12.5} is kept as {@code 12.50}
 * @param currency ISO 4217 code, e.g. {@code EUR}
 */
public record Money(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount, String currency) {

    public Money {
        amount = Invariants.money(amount, "amount");
        currency = Invariants.currency(currency, "currency");
    }

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }

    /** This amount times a quantity, in the same currency. */
    public Money times(int quantity) {
        return new Money(amount.multiply(BigDecimal.valueOf(quantity)), currency);
    }

    /** The sum of two amounts of the same currency. */
    public Money plus(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency);
        }
        return new Money(amount.add(other.amount), currency);
    }
}
