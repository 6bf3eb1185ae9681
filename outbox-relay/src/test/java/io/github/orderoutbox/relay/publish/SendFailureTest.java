package io.github.orderoutbox.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class SendFailureTest {

    @Test
    void errorsOfTheRecordItselfAreTheRows() {
        assertThat(SendFailure.of(new RecordTooLargeException("too large"))).isEqualTo(SendFailure.ROW);
        assertThat(SendFailure.of(new InvalidTopicException("bad name"))).isEqualTo(SendFailure.ROW);
        assertThat(SendFailure.of(new SerializationException("bad header"))).isEqualTo(SendFailure.ROW);
        assertThat(SendFailure.ROW.isOutage()).isFalse();
    }

    @Test
    void retriableErrorsAreAnUnavailableKafka() {
        assertThat(SendFailure.of(new TimeoutException("no metadata"))).isEqualTo(SendFailure.UNAVAILABLE);
        assertThat(SendFailure.of(new NotLeaderOrFollowerException("moved"))).isEqualTo(SendFailure.UNAVAILABLE);
        assertThat(SendFailure.of(new KafkaUnavailableException("look-up timed out", null))).isEqualTo(SendFailure.UNAVAILABLE);
        assertThat(SendFailure.UNAVAILABLE.replacesProducer()).isFalse();
    }

    @Test
    void authenticationAuthorisationAndProtocolRefusalsAreOutagesThatReplaceTheProducer() {
        assertThat(SendFailure.of(new TopicAuthorizationException(Set.of("orders.events")))).isEqualTo(SendFailure.REFUSED);
        assertThat(SendFailure.of(new ClusterAuthorizationException("denied"))).isEqualTo(SendFailure.REFUSED);
        assertThat(SendFailure.of(new SaslAuthenticationException("bad password"))).isEqualTo(SendFailure.REFUSED);
        assertThat(SendFailure.of(new SslAuthenticationException("bad certificate"))).isEqualTo(SendFailure.REFUSED);
        assertThat(SendFailure.of(new UnsupportedVersionException("too old"))).isEqualTo(SendFailure.REFUSED);
        assertThat(SendFailure.REFUSED.isOutage()).isTrue();
        assertThat(SendFailure.REFUSED.replacesProducer()).isTrue();
    }

    @Test
    void aProducerInAFatalStateIsReplaced() {
        assertThat(SendFailure.of(new ProducerFencedException("fenced"))).isEqualTo(SendFailure.PRODUCER_FATAL);
        assertThat(SendFailure.of(new OutOfOrderSequenceException("lost"))).isEqualTo(SendFailure.PRODUCER_FATAL);
        assertThat(SendFailure.of(new IllegalStateException("Cannot perform operation after producer has been closed")))
                .isEqualTo(SendFailure.PRODUCER_FATAL);
        assertThat(SendFailure.PRODUCER_FATAL.replacesProducer()).isTrue();
    }

    @Test
    void looksThroughTheKafkaExceptionOfAProducerLeftInAFatalState() {
        KafkaException fatal = new KafkaException("Cannot perform send because at least one previous transactional or idempotent request has failed with errors.",
                new ClusterAuthorizationException("denied"));
        assertThat(SendFailure.of(fatal)).isEqualTo(SendFailure.REFUSED);
        assertThat(SendFailure.of(new KafkaException("fenced", new ProducerFencedException("fenced")))).isEqualTo(SendFailure.PRODUCER_FATAL);
    }
}
