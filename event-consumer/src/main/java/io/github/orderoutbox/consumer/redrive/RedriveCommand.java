package io.github.orderoutbox.consumer.redrive;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.batch.RedriveResult;
import io.github.orderoutbox.consumer.batch.RetryableBatchException;
import io.github.orderoutbox.consumer.command.ConsumerCommand;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.AppliedEvent;
import io.github.orderoutbox.consumer.readmodel.BlockedOrder;
import io.github.orderoutbox.consumer.readmodel.OrderRelease;
import io.github.orderoutbox.consumer.readmodel.OrderSummary;
import io.github.orderoutbox.consumer.readmodel.ParkedRecord;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.EventHeaders;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;

/**
 * {@code redrive}: for each selected blocked order, oldest block first, reads its dead-lettered
 * event back from the dead-letter topic and its parked events from {@code parked_event}, sends
 * them through the pipes in outbox-position order ({@code ce_outboxposition}, the order of their
 * commits, whatever order Kafka delivered them in), and unblocks the order if all of them apply.
 * When one of them belongs before events already applied to the order, the order is rebuilt: its
 * applied events are read back from the topic and applied again with the redriven ones, all in
 * outbox-position order, in one transaction. An order whose event fails again stays blocked exactly as it was, and nothing of it
 * is written; the command reports the event, the pipe and the reason.
 *
 * <p>Prints one line per order and a summary, in {@code key=value} form like the logs:
 * <pre>
 * o-17 events=3 result=released applied=3 duplicates=0
 * o-18 events=2 result=failed failed_event=1 type=OrderPaid event_id=5f0c... source=orders.events-2@15 pipe=SyncReadModel reason="BusinessRuleViolationException: order o-18: paid in USD but the order is in EUR"
 * redrive: selected=2 released=1 failed=1
 * </pre>
 */
final class RedriveCommand implements ConsumerCommand {

    private static final Logger log = LoggerFactory.getLogger(RedriveCommand.class);

    /** Kafka order: one order's records share a topic and a partition, so this is offset order. */
    private static final Comparator<ReceivedEvent> KAFKA_ORDER = Comparator.comparing(ReceivedEvent::topic)
            .thenComparingInt(ReceivedEvent::partition).thenComparingLong(ReceivedEvent::offset);

    private final BatchProcessor processor;
    private final ReadModelRepository readModel;
    private final Supplier<DeadLetterReader> readers;

    /**
     * @param readers opens a reader of the dead-letter topic; called at most once per run, and
     *                only if some order is selected
     */
    RedriveCommand(BatchProcessor processor, ReadModelRepository readModel, Supplier<DeadLetterReader> readers) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.readModel = Objects.requireNonNull(readModel, "readModel");
        this.readers = Objects.requireNonNull(readers, "readers");
    }

    @Override
    public String name() {
        return "redrive";
    }

    @Override
    public String usage() {
        return """
                redrive [--order-id=ID ...] [--event-type=TYPE] [--error=TEXT] [--from=TIME] [--to=TIME] [--limit=N] [--dry-run]
                  Sends each selected blocked order's dead-lettered event and its parked events through the
                  pipes again in outbox-position order (ce_outboxposition). If all of them apply (or are skipped
                  as duplicates) the order is unblocked in the same transaction; if one fails, nothing of the
                  order is written and it stays blocked. An order whose dead-lettered event belongs before
                  events already applied is rebuilt: those are read back from the topic and applied again
                  with it, in outbox-position order. No dead letter is written. Without options: every blocked order,
                  oldest block first.
                  --order-id=ID    only this order; repeat for more
                  --event-type=T   only orders whose dead-lettered or parked events include type T, e.g. OrderPaid
                  --error=TEXT     only orders whose block reason contains TEXT, ignoring case
                  --from=TIME      only orders blocked at or after TIME (RFC 3339, e.g. 2026-11-02T09:00:00Z)
                  --to=TIME        only orders blocked before TIME
                  --limit=N        at most N orders
                  --dry-run        do everything, then roll back: say what would happen, change nothing
                  Exit code: 0 every selected order released (in a dry run: would be), 1 some not, 2 bad options.""";
    }

    @Override
    public int run(ApplicationArguments arguments, PrintStream out) {
        RedriveOptions options;
        try {
            options = RedriveOptions.parse(arguments);
        } catch (IllegalArgumentException bad) {
            out.println("redrive: " + bad.getMessage());
            out.println(usage());
            return 2;
        }
        if (options.help()) {
            out.println(usage());
            return 0;
        }
        Run run = new Run(options, out);
        List<BlockedOrder> candidates = readModel.blockedOrders(options.filter());
        DeadLetterReader reader = null;
        try {
            for (int i = 0; i < candidates.size() && !run.interrupted; i++) {
                if (options.limit().isPresent() && run.selected == options.limit().getAsInt()) {
                    out.println("redrive: stopped at --limit=" + options.limit().getAsInt()
                            + "; more blocked orders may match");
                    run.limited = true;
                    break;
                }
                if (reader == null) {
                    reader = readers.get();
                }
                redrive(candidates.get(i), reader, run);
            }
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
        return run.finish();
    }

    private void redrive(BlockedOrder blocked, DeadLetterReader reader, Run run) {
        String orderId = blocked.orderId();
        try {
            List<ParkedRecord> parked = readModel.parkedOf(orderId);
            ReceivedEvent deadLettered;
            try {
                deadLettered = reader.read(blocked);
            } catch (DeadLetterUnreadableException unreadable) {
                // Its events and their types are unknown, so it is reported whatever --event-type says.
                run.failedToLoad(orderId, unreadable);
                return;
            }
            List<ReceivedEvent> events = BatchProcessor.inOutboxOrder(inKafkaOrder(deadLettered, parked));
            if (!run.options.typeMatches(events.stream().map(e -> e.header(EventHeaders.TYPE).orElse("")).toList())) {
                return;
            }
            List<ReceivedEvent> history;
            try {
                history = historyToRebuild(orderId, events, reader);
            } catch (DeadLetterUnreadableException unreadable) {
                run.failedToLoad(orderId, unreadable);
                return;
            }
            run.result(processor.redrive(new OrderRelease(blocked, parked), history, events, run.options.dryRun()));
        } catch (RetryableBatchException | RetriableException outage) {
            run.failedToLoad(orderId, outage);
            run.out.println("redrive: stopped, a server is unavailable; the orders after " + orderId
                    + " were not tried. Run the redrive again once it is back.");
            run.interrupted = true;
        } catch (RuntimeException e) {
            run.failedToLoad(orderId, e);
        }
    }

    /**
     * The order's applied events, read back from the topic, if the order must be rebuilt to apply
     * the redriven events in outbox-position order; empty if not.
     *
     * <p>It must be rebuilt when a redriven event that was never applied has a position not above
     * the order's: a relay republished it after a later event of the order, or a writer committed
     * it without the order lock, and the later event was applied first (the event was then
     * dead-lettered as out of position). Applying it after the later ones would break the order's
     * history, and skipping it would lose it.
     *
     * @throws DeadLetterUnreadableException if an applied event is no longer in the topic
     */
    private List<ReceivedEvent> historyToRebuild(String orderId, List<ReceivedEvent> events, DeadLetterReader reader) {
        OrderSummary stored = readModel.loadOrders(List.of(orderId)).get(orderId);
        if (stored == null) {
            return List.of();
        }
        Set<UUID> applied = readModel.appliedAmong(events.stream().flatMap(e -> e.eventIdHeader().stream()).toList());
        boolean belowOrder = events.stream().anyMatch(e -> e.eventIdHeader().filter(applied::contains).isEmpty()
                && BatchProcessor.position(e).orElse(Long.MAX_VALUE) <= stored.lastPosition());
        if (!belowOrder) {
            return List.of();
        }
        List<ReceivedEvent> history = new ArrayList<>();
        for (AppliedEvent recorded : readModel.appliedOf(orderId)) {
            history.add(reader.readRecorded(recorded));
        }
        return history;
    }

    /**
     * The dead-lettered event and the parked ones in the order Kafka first delivered them, each
     * once. Usually that is the dead-lettered event and then the parked ones; but a consumer that
     * dead-lettered an event and crashed before committing its offsets reads that event (and any
     * before it in the batch) again, and parks them, since the order is blocked by then.
     */
    static List<ReceivedEvent> inKafkaOrder(ReceivedEvent deadLettered, List<ParkedRecord> parked) {
        List<ReceivedEvent> events = new ArrayList<>();
        events.add(deadLettered);
        for (ParkedRecord record : parked) {
            ReceivedEvent event = record.event();
            if (KAFKA_ORDER.compare(event, deadLettered) != 0) {
                events.add(event);
            }
        }
        events.sort(KAFKA_ORDER);
        return events;
    }

    /** What one run has done so far, and its output. */
    private static final class Run {

        final RedriveOptions options;
        final PrintStream out;
        final Set<String> selectedIds = new LinkedHashSet<>();
        int selected;
        int released;
        int failed;
        /** Stopped by an outage before every selected order was tried. */
        boolean interrupted;
        /** Stopped at --limit. */
        boolean limited;

        Run(RedriveOptions options, PrintStream out) {
            this.options = options;
            this.out = out;
        }

        void result(RedriveResult result) {
            select(result.orderId());
            String orderId = result.orderId();
            boolean dryRun = options.dryRun();
            if (result.released()) {
                released++;
                out.printf("%s events=%d result=%s applied=%d duplicates=%d%s%n", orderId, result.events(),
                        dryRun ? "would_release" : "released", result.applied(), result.duplicates(),
                        result.reapplied() == 0 ? "" : " reapplied=" + result.reapplied());
                if (dryRun) {
                    log.info("consumer.redrive.dry_run order_id={} events={} result=would_release applied={} duplicates={} reapplied={}",
                            orderId, result.events(), result.applied(), result.duplicates(), result.reapplied());
                } else {
                    log.info("consumer.redrive.order_released order_id={} events={} applied={} duplicates={} reapplied={}",
                            orderId, result.events(), result.applied(), result.duplicates(), result.reapplied());
                }
                return;
            }
            failed++;
            RedriveResult.Failure failure = result.failure().orElseThrow();
            StringBuilder line = new StringBuilder(orderId).append(" events=").append(result.events())
                    .append(" result=").append(dryRun ? "would_fail" : "failed");
            failure.event().ifPresent(event -> line.append(" failed_event=").append(failure.position())
                    .append(" type=").append(failure.eventType().orElse("unknown"))
                    .append(" event_id=").append(event.eventIdHeader().map(Object::toString).orElse("unknown"))
                    .append(" source=").append(event.topic()).append('-').append(event.partition())
                    .append('@').append(event.offset()));
            line.append(" pipe=").append(failure.pipe()).append(" reason=").append(quoted(failure.reason()));
            out.println(line);
            log.warn("consumer.redrive.order_failed order_id={} dry_run={} event=\"{}\" pipe={} reason={} effect=\"the order stays blocked; nothing of it was written\"",
                    orderId, dryRun, failure.event().map(Object::toString).orElse("(all, in one transaction)"),
                    failure.pipe(), quoted(failure.reason()));
        }

        /** An order that could not be sent through the pipes at all. */
        void failedToLoad(String orderId, Exception e) {
            select(orderId);
            failed++;
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            out.println(orderId + " result=" + (options.dryRun() ? "would_fail" : "failed") + " reason=" + quoted(reason));
            log.warn("consumer.redrive.order_failed order_id={} dry_run={} reason={} effect=\"the order stays blocked; nothing of it was written\"",
                    orderId, options.dryRun(), quoted(reason));
        }

        private void select(String orderId) {
            selectedIds.add(orderId);
            selected++;
        }

        int finish() {
            if (!interrupted && !limited) {
                for (String orderId : options.orderIds()) {
                    if (!selectedIds.contains(orderId)) {
                        out.println(orderId + " result=not_selected reason=\"not blocked, or left out by the other options\"");
                    }
                }
            }
            if (options.dryRun()) {
                out.printf("redrive --dry-run: selected=%d would_release=%d would_fail=%d (nothing was written)%n",
                        selected, released, failed);
            } else {
                out.printf("redrive: selected=%d released=%d failed=%d%n", selected, released, failed);
            }
            log.info("consumer.redrive.done dry_run={} selected={} released={} failed={} interrupted={} limited={}",
                    options.dryRun(), selected, released, failed, interrupted, limited);
            return failed == 0 && !interrupted ? 0 : 1;
        }

        /** The text in double quotes on one line, with quotes and backslashes escaped. */
        private static String quoted(String text) {
            return '"' + String.valueOf(text).replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\R", " ") + '"';
        }
    }
}
