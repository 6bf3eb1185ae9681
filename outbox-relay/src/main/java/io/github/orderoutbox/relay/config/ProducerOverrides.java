package io.github.orderoutbox.relay.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The rules a {@code relay.producer.*} override must keep. Overrides tune the producer (compression,
 * linger, batch size, client id, TLS and SASL settings); they may not take away what each order's
 * events rely on: one partition per order, in send order, every acknowledged record durable.
 *
 * <ul>
 *   <li>{@code enable.idempotence} stays true and {@code acks} stays {@code all} ({@code -1}): without
 *       them a retried request can land behind a later one, or an acknowledged record can be lost
 *       with its leader.</li>
 *   <li>{@code max.in.flight.requests.per.connection} at most 5: the idempotent producer keeps order
 *       only up to that.</li>
 *   <li>{@code retries} stays unbounded ({@code 2147483647}). With a finite count a transient error
 *       can fail one record for good while later records of its partition, sent behind it, succeed:
 *       the relay republishes the failed event after them, out of order. How long the producer keeps
 *       trying is bounded by {@code delivery.timeout.ms}, which may be set.</li>
 *   <li>No {@code transactional.id}: the relay does not open transactions, and a transactional
 *       producer refuses every send outside one.</li>
 *   <li>No other serializers: the relay hands the producer bytes.</li>
 *   <li>No {@code partitioner.class} or {@code partitioner.ignore.keys=true}: the partition must follow
 *       the order id (the record key), or one order's events spread over partitions and lose their order.</li>
 * </ul>
 */
final class ProducerOverrides {

    private static final String PREFIX = "relay.producer.";

    private ProducerOverrides() {
    }

    /** One sentence per refused override, each naming its property; empty when every override is allowed. */
    static List<String> refusals(Map<String, String> overrides) {
        List<String> refused = new ArrayList<>();
        overrides.forEach((key, raw) -> {
            String value = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
            String why = switch (key) {
                case ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG -> value.equals("true") ? null
                        : "must stay true: without idempotence a retried request can land behind a later one and reorder an order's events";
                case ProducerConfig.ACKS_CONFIG -> value.equals("all") || value.equals("-1") ? null
                        : "must stay all (or -1): with fewer acknowledgements an event the relay marked published can be lost with its leader";
                case ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION -> between(value, 1, 5) ? null
                        : "must be 1 to 5: the idempotent producer keeps a partition in order only up to 5 requests in flight";
                case ProducerConfig.RETRIES_CONFIG -> value.equals(String.valueOf(Integer.MAX_VALUE)) ? null
                        : "must stay 2147483647: with a finite count a record can fail for good while later ones of its partition succeed, "
                          + "and its event is republished after them; bound the retrying with delivery.timeout.ms instead";
                case ProducerConfig.TRANSACTIONAL_ID_CONFIG ->
                        "must not be set: the relay does not use transactions, and a transactional producer refuses sends outside one";
                case ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG ->
                        "must not be set: the relay sends bytes, serialised by itself";
                case ProducerConfig.PARTITIONER_CLASS_CONFIG ->
                        "must not be set: the partition must follow the order id, or one order's events spread over partitions";
                case ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG -> value.equals("false") ? null
                        : "must stay false: the partition must follow the order id, or one order's events spread over partitions";
                default -> null;
            };
            if (why != null) {
                refused.add(PREFIX + key + "=" + raw + " is refused: it " + why);
            }
        });
        refused.sort(null); // the same message for the same settings, whatever the map's order
        return refused;
    }

    private static boolean between(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            return n >= min && n <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
