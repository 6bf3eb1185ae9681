package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.batch.BatchResult;
import io.github.orderoutbox.consumer.batch.DeadLetter;
import io.github.orderoutbox.consumer.replay.RebuildPlan.LeftOut;
import io.github.orderoutbox.consumer.replay.ReplayRepository.RowDifferences;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * What a replay did, or in a dry run would have done.
 *
 * @param committed      whether its changes were committed (false for a dry run and a replay with
 *                       nothing to rebuild)
 * @param recordsScanned records read in pass 1
 * @param touched        orders with a record at or after {@code --from}
 * @param leftOut        touched orders not rebuilt, by reason
 * @param rebuilt        orders deleted and applied again
 * @param recorded       events recorded as applied to them, which pass 2 fed again
 * @param result         what became of those events
 * @param deadLetters    events dead-lettered on the way (in a dry run: not sent)
 * @param differences    read-model rows that differ from before the replay
 */
record ReplayReport(boolean dryRun, boolean committed, long recordsScanned, int touched,
                    Map<LeftOut, SortedSet<String>> leftOut, int rebuilt, int recorded, BatchResult result,
                    List<DeadLetter> deadLetters, RowDifferences differences) {

    static ReplayReport nothingToRebuild(boolean dryRun, long recordsScanned, int touched,
                                         Map<LeftOut, SortedSet<String>> leftOut) {
        return new ReplayReport(dryRun, false, recordsScanned, touched, leftOut, 0, 0, BatchResult.NONE, List.of(),
                new RowDifferences(0, 0, 0, List.of()));
    }
}
