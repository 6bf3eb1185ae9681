package io.github.orderoutbox.localstack.status;

/**
 * The bounded run's finish line: the demo has written all its orders, the outbox has nothing left
 * to publish, the consumer group has committed everything on the topic, and the read model has
 * applied at least as many events since the demo started as the demo wrote (exactly as many on a
 * fresh data folder). An event that was dead-lettered is consumed but not applied, so it keeps the
 * run from finishing, as it should.
 *
 * @param appliedBefore rows of {@code read_model.applied_event} before the demo started
 */
public record Drain(long appliedBefore) {

    public boolean isComplete(Figures figures) {
        return Boolean.TRUE.equals(figures.demoDone())
                && figures.eventsWritten() != null
                && figures.waiting() != null && figures.waiting() == 0
                && figures.lag() != null && figures.lag() == 0
                && figures.applied() != null && figures.applied() - appliedBefore >= figures.eventsWritten();
    }

    /** What is missing, for the report when the run times out. */
    public String report(Figures figures) {
        Long appliedNow = figures.applied() == null ? null : figures.applied() - appliedBefore;
        return """
                demo done: %s (orders %s, events %s)
                outbox rows waiting: %s
                consumer group lag: %s
                events applied since the demo started: %s of %s
                dead letters: %s, blocked orders: %s""".formatted(
                figures.demoDone(), StatusLine.number(figures.ordersWritten()), StatusLine.number(figures.eventsWritten()),
                StatusLine.number(figures.waiting()), StatusLine.number(figures.lag()),
                StatusLine.number(appliedNow), StatusLine.number(figures.eventsWritten()),
                StatusLine.number(figures.deadLetters()), StatusLine.number(figures.blocked()));
    }
}
