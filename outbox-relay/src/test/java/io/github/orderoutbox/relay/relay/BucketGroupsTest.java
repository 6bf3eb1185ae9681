package io.github.orderoutbox.relay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BucketGroupsTest {

    private static final long SHORT_WAIT = Duration.ofMillis(20).toNanos();

    private final BucketGroups groups = new BucketGroups(3);

    @Test
    void firstWorkerServesEveryGroupAloneWhileTheOutboxKeepsUp() throws Exception {
        int[] first = groups.acquire(0, SHORT_WAIT);
        assertThat(first).containsExactly(0, 1, 2);
        groups.claimed(0, 10, 100);
        groups.release(first);

        assertThat(groups.acquire(1, SHORT_WAIT)).isEmpty();
        assertThat(groups.acquire(2, SHORT_WAIT)).isEmpty();
    }

    @Test
    void everyWorkerServesItsOwnGroupDuringABacklog() throws Exception {
        int[] first = groups.acquire(0, SHORT_WAIT);
        groups.claimed(0, 100, 100);
        groups.release(first);

        assertThat(groups.acquire(0, SHORT_WAIT)).containsExactly(0);
        assertThat(groups.acquire(1, SHORT_WAIT)).containsExactly(1);
        assertThat(groups.acquire(2, SHORT_WAIT)).containsExactly(2);
    }

    @Test
    void backlogEndsWhenTheFirstWorkersGroupIsDrained() throws Exception {
        groups.claimed(1, 100, 100);
        assertThat(groups.backlog()).isTrue();
        groups.claimed(1, 5, 100); // another group draining does not end it
        assertThat(groups.backlog()).isTrue();
        groups.claimed(0, 5, 100);
        assertThat(groups.backlog()).isFalse();
        assertThat(groups.acquire(0, SHORT_WAIT)).containsExactly(0, 1, 2);
    }

    @Test
    void aWaitingHelperWakesAsSoonAsABacklogStarts() throws Exception {
        CompletableFuture<int[]> helper = CompletableFuture.supplyAsync(() -> {
            try {
                return groups.acquire(1, Duration.ofSeconds(10).toNanos());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(helper).isNotDone();
        groups.claimed(0, 100, 100);
        assertThat(helper.get(2, TimeUnit.SECONDS)).containsExactly(1);
    }

    @Test
    void aGroupIsNeverServedByTwoWorkersAtOnce() throws Exception {
        int[] all = groups.acquire(0, SHORT_WAIT); // worker 0 holds every group
        groups.claimed(0, 100, 100);               // a backlog starts while it does
        CompletableFuture<int[]> helper = CompletableFuture.supplyAsync(() -> {
            try {
                return groups.acquire(2, SHORT_WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(helper).as("group 2 is still in worker 0's hands").isNotDone();
        groups.release(all);
        assertThat(helper.get(2, TimeUnit.SECONDS)).containsExactly(2);
    }
}
