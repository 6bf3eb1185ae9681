package io.github.orderoutbox.consumer.pipes;

import io.github.orderoutbox.consumer.catalog.Catalog;
import io.github.orderoutbox.consumer.catalog.LineProducts;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPlaced;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The second pipe: adds what the catalogue knows about each line's product (name and category) to
 * a placed order, as a {@link LineProducts} in the context's enrichment. A sku the catalogue does
 * not know is recorded as unknown, not an error: the order is real whether or not the catalogue
 * has caught up. Other event types have no lines and pass unchanged.
 */
public final class EnrichOrderData implements Pipe<EventContext> {

    private final Catalog catalog;

    public EnrichOrderData(Catalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    @Override
    public Outcome handle(EventContext context, Next<EventContext> next) {
        if (context.payload(Object.class) instanceof OrderPlaced placed) {
            Set<String> skus = new LinkedHashSet<>();
            for (OrderLine line : placed.lines()) {
                skus.add(line.sku());
            }
            context.setEnrichment(new LineProducts(catalog.products(skus)));
        }
        return next.handle(context);
    }
}
