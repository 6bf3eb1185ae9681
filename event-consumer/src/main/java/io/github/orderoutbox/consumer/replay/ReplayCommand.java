package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.command.ConsumerCommand;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;

/**
 * {@code replay --from=<RFC 3339 time> [--dry-run] [--force]}: rebuilds the orders that have a
 * record at or after that time from the topic ({@link Replay}). Refused while the service's
 * consumer group has members, unless forced.
 */
final class ReplayCommand implements ConsumerCommand {

    private static final Logger log = LoggerFactory.getLogger(ReplayCommand.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Replay replay;
    private final Admin admin;
    private final String groupId;

    ReplayCommand(Replay replay, Admin admin, String groupId) {
        this.replay = Objects.requireNonNull(replay, "replay");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String usage() {
        return "replay --from=<RFC 3339 time, e.g. 2026-11-02T09:00:00Z> [--dry-run] [--force]\n"
                + "  Rebuilds every order with a record at or after --from (record timestamps) from all its recorded\n"
                + "  events, re-reading them from the topic past deduplication, in one transaction. Blocked orders are\n"
                + "  left out. --dry-run does it all, reports what would differ and rolls back. Refused while the\n"
                + "  consumer group has members; --force replays anyway.";
    }

    @Override
    public int run(ApplicationArguments arguments, PrintStream out) {
        ReplayOptions options;
        try {
            options = ReplayOptions.parse(arguments);
        } catch (ReplayOptions.BadOptionsException e) {
            out.println("replay: " + e.getMessage());
            out.println(usage());
            return 2;
        }
        List<String> members = activeMembers();
        if (!members.isEmpty()) {
            String who = members.size() + " active member(s) (" + String.join(", ", members) + ")";
            if (!options.force()) {
                out.println("replay: refused: consumer group '" + groupId + "' has " + who + ". A live consumer"
                        + " applying an event of an order being rebuilt would write over the rebuilt order what it read"
                        + " before the replay. Stop the consumers, or give --force to replay anyway.");
                return 1;
            }
            out.println("replay: --force: replaying although consumer group '" + groupId + "' has " + who
                    + "; their changes to orders being rebuilt wait for the replay and may undo its repairs");
        }
        log.info("consumer.replay.started from={} dry_run={} force={} group={}", options.from(), options.dryRun(),
                options.force(), groupId);
        ReplayReport report;
        try {
            report = replay.run(options, out);
        } catch (RuntimeException e) {
            out.println("replay: failed, rolled back; the read model is as it was: " + e.getMessage());
            log.error("consumer.replay.failed from={} dry_run={} reason=\"{}\"", options.from(), options.dryRun(),
                    e.toString(), e);
            return 1;
        }
        if (report.committed()) {
            out.println("replay: committed");
        } else if (options.dryRun()) {
            out.println("replay: dry run: rolled back; nothing was changed");
        }
        log.info("consumer.replay.done from={} dry_run={} committed={} orders_touched={} orders_rebuilt={} orders_left_out={} events_applied={} dead_lettered={} order_rows_differing={} line_rows_differing={} customer_rows_differing={}",
                options.from(), options.dryRun(), report.committed(), report.touched(), report.rebuilt(),
                report.leftOut().values().stream().mapToInt(Set::size).sum(), report.result().applied(),
                report.deadLetters().size(), report.differences().orders(), report.differences().lines(),
                report.differences().customers());
        return 0;
    }

    /** The members of the service's group now; none when the group does not exist. */
    private List<String> activeMembers() {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId).get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return group.members().stream().map(ReplayCommand::describe).toList();
        } catch (ExecutionException e) {
            // Kafka 4 reports a group that does not exist as an error; older brokers as an empty DEAD group.
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw new IllegalStateException("could not describe consumer group " + groupId + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not describe consumer group " + groupId + " within "
                    + ADMIN_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String describe(MemberDescription member) {
        return member.clientId() + " on " + member.host();
    }
}
