package io.github.orderoutbox.localstack.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusLineTest {

    @Test
    void showsEveryFigureGroupedAndUnknownOnesAsQuestionMarks() {
        Figures figures = new Figures(3_541L, 3_541L, false, 4L, 10_873L, null, 7L, 0L, 1L);

        assertThat(StatusLine.format(figures, Duration.ofSeconds(72))).isEqualTo(
                "00:01:12 | orders 3,541 | outbox waiting 4 | published 10,873 | applied ? | lag 7 | dead letters 0 | blocked orders 1");
    }

    @Test
    void readsTheDemoStatusFields() {
        assertThat(FiguresReader.fields("{\"ordersWritten\":12,\"eventsWritten\":40,\"poisonWritten\":0,\"done\":true}"))
                .containsAllEntriesOf(Map.of("ordersWritten", "12", "eventsWritten", "40", "done", "true"));
    }
}
