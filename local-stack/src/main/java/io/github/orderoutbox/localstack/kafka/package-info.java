/** Apache Kafka's own KRaft broker, run in a separate JVM, and the probe that tells when it answers. */
package io.github.orderoutbox.localstack.kafka;
