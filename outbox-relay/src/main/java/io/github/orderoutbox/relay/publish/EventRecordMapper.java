package io.github.orderoutbox.relay.publish;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.relay.outbox.OutboxRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps an outbox row to a Kafka record in the CloudEvents Kafka binding, binary mode: key is the
 * order id, value the JSON payload, attributes {@code ce_*} headers, plus the row's own headers.
 */
public class EventRecordMapper {

    /** Per-record bytes Kafka adds around key, value and headers (record and batch framing), rounded up. */
    private static final int RECORD_OVERHEAD = 128;
    private static final Set<String> RESERVED = Set.of(
            EventHeaders.SPEC_VERSION, EventHeaders.ID, EventHeaders.TYPE, EventHeaders.SOURCE,
            EventHeaders.SUBJECT, EventHeaders.TIME, EventHeaders.CONTENT_TYPE, EventHeaders.EVENT_VERSION,
            EventHeaders.POSITION, EventHeaders.AGGREGATE_TYPE);
    private static final byte[] SPEC_VERSION = EventHeaders.SPEC_VERSION_1_0.getBytes(UTF_8);
    private static final byte[] APPLICATION_JSON = EventHeaders.APPLICATION_JSON.getBytes(UTF_8);

    private final JsonMapper json = JsonMapper.builder().build();
    private final byte[] source;

    public EventRecordMapper(String source) {
        this.source = source.getBytes(UTF_8);
    }

    public ProducerRecord<byte[], byte[]> toRecord(OutboxRow row, String topic, int maxRecordBytes)
            throws UnpublishableRowException {
        List<Header> headers = new ArrayList<>(10);
        headers.add(new RecordHeader(EventHeaders.SPEC_VERSION, SPEC_VERSION));
        headers.add(new RecordHeader(EventHeaders.ID, row.eventId().toString().getBytes(UTF_8)));
        headers.add(new RecordHeader(EventHeaders.TYPE, row.eventType().getBytes(UTF_8)));
        headers.add(new RecordHeader(EventHeaders.SOURCE, source));
        headers.add(new RecordHeader(EventHeaders.SUBJECT, row.aggregateId().getBytes(UTF_8)));
        headers.add(new RecordHeader(EventHeaders.TIME, IsoInstants.format(row.createdAt())));
        headers.add(new RecordHeader(EventHeaders.CONTENT_TYPE, APPLICATION_JSON));
        headers.add(new RecordHeader(EventHeaders.EVENT_VERSION, Integer.toString(row.eventVersion()).getBytes(UTF_8)));
        headers.add(new RecordHeader(EventHeaders.POSITION, Long.toString(row.id()).getBytes(UTF_8)));
        headers.add(new RecordHeader(EventHeaders.AGGREGATE_TYPE, row.aggregateType().getBytes(UTF_8)));
        if (row.headersJson() != null) {
            addRowHeaders(row, headers);
        }
        byte[] key = row.aggregateId().getBytes(UTF_8);
        byte[] value = row.payload().getBytes(UTF_8);

        int size = RECORD_OVERHEAD + key.length + value.length;
        for (Header header : headers) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length) + 2;
        }
        if (size > maxRecordBytes) {
            throw new UnpublishableRowException("record of about " + size + " bytes exceeds the " + maxRecordBytes
                    + " bytes topic " + topic + " accepts");
        }
        return new ProducerRecord<>(topic, null, recordTimestamp(row.createdAt()), key, value, headers);
    }

    /**
     * {@code created_at} as the record's timestamp, unless Kafka would refuse it: a time before 1970
     * cannot be a record timestamp (the producer throws, and the whole round with it), and a time
     * ahead of the broker's clock by more than {@code message.timestamp.after.max.ms} (one hour by
     * default) fails the record and, with it, every record of its partition's batch, other orders'
     * included. Such a row takes the relay's clock instead; {@code ce_time} keeps {@code created_at}
     * as written. A record's timestamp is thus never later than its sending.
     */
    private static long recordTimestamp(Instant createdAt) {
        long millis = createdAt.toEpochMilli();
        long now = System.currentTimeMillis();
        return millis < 0 || millis > now ? now : millis;
    }

    /**
     * The row's headers, read with a streaming parser: a tree per row was an eighth of a
     * publishing thread's time in a drain. Strings (the usual case, e.g. {@code traceparent}) and
     * nulls are taken as they are; any other value is passed on as its JSON text.
     */
    private void addRowHeaders(OutboxRow row, List<Header> headers) throws UnpublishableRowException {
        try (JsonParser parser = json.createParser(row.headersJson())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new UnpublishableRowException("headers must be a JSON object");
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                if (RESERVED.contains(name)) {
                    throw new UnpublishableRowException("header " + name + " is set by the relay and cannot be given in outbox.headers");
                }
                String text = switch (parser.nextToken()) {
                    case VALUE_STRING -> parser.getString();
                    case VALUE_NULL -> null;
                    default -> parser.readValueAsTree().toString();
                };
                headers.add(new RecordHeader(name, text == null ? null : text.getBytes(UTF_8)));
            }
        } catch (JacksonException e) {
            throw new UnpublishableRowException("headers are not valid JSON: " + e.getOriginalMessage());
        }
    }
}
