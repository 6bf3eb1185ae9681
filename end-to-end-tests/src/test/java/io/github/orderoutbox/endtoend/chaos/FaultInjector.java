package io.github.orderoutbox.endtoend.chaos;

import io.github.orderoutbox.endtoend.chaos.FaultSchedule.Fault;
import io.github.orderoutbox.endtoend.chaos.FaultSchedule.Kind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link FaultSchedule} against the stack, one fault at a time: inject, hold, heal. A
 * fault whose time has passed while the previous one healed (a broker takes seconds to come back)
 * starts at once, so the order of the schedule is kept even where its times slip.
 */
final class FaultInjector {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    private static final Duration SERVER_START = Duration.ofSeconds(120);

    private final ChaosStack stack;
    private final Map<Kind, Integer> injected = new EnumMap<>(Kind.class);
    private volatile long lastHealedAt;

    FaultInjector(ChaosStack stack) {
        this.stack = stack;
    }

    /** Runs the schedule from {@code startedAt} (System.nanoTime of the load's start) until done or {@code stop()}. */
    void run(List<Fault> schedule, long startedAt, java.util.function.BooleanSupplier stopped) throws InterruptedException {
        for (Fault fault : schedule) {
            long wait = startedAt + fault.after().toNanos() - System.nanoTime();
            while (wait > 0 && !stopped.getAsBoolean()) {
                Thread.sleep(Math.min(500, wait / 1_000_000 + 1));
                wait = startedAt + fault.after().toNanos() - System.nanoTime();
            }
            if (stopped.getAsBoolean()) {
                return;
            }
            LOG.info("chaos: injecting {}", fault);
            inject(fault);
            lastHealedAt = System.nanoTime();
            synchronized (injected) {
                injected.merge(fault.kind(), 1, Integer::sum);
            }
            LOG.info("chaos: healed {}", fault.kind());
        }
    }

    Map<Kind, Integer> injected() {
        synchronized (injected) {
            return new EnumMap<>(injected);
        }
    }

    /** System.nanoTime when the last fault was healed, 0 when none was. */
    long lastHealedAt() {
        return lastHealedAt;
    }

    private void inject(Fault fault) throws InterruptedException {
        long hold = fault.hold().toMillis();
        switch (fault.kind()) {
            case RELAY_KILL -> restartAfterKill(stack.relays.get(fault.target()), hold);
            case CONSUMER_KILL -> restartAfterKill(stack.consumers.get(fault.target()), hold);
            case BROKER_KILL -> {
                stack.kafka.kill();
                Thread.sleep(hold);
                stack.kafka.start(); // same port, same log directory and cluster id
                stack.kafka.awaitAnswering(SERVER_START);
            }
            case REDIS_WIPE -> {
                stack.redis.kill(); // the binary server keeps nothing on disk: it comes back empty
                Thread.sleep(hold);
                stack.redis.start();
            }
            case POSTGRES_RESTART -> {
                stack.postgres.kill(); // a crash: recovery from the WAL at start
                Thread.sleep(hold);
                stack.postgres.start();
            }
            case RELAY_PAUSE -> {
                Service relay = stack.relays.get(fault.target());
                relay.pause();
                Thread.sleep(hold);
                relay.resume();
            }
            case POSTGRES_CUT -> {
                stack.postgresProxy.cut();
                Thread.sleep(hold);
                stack.postgresProxy.heal();
            }
            case POSTGRES_SLOW -> {
                stack.postgresProxy.slow(150);
                Thread.sleep(hold);
                stack.postgresProxy.heal();
            }
        }
    }

    private static void restartAfterKill(Service service, long hold) throws InterruptedException {
        service.kill();
        Thread.sleep(hold);
        service.start();
    }
}
