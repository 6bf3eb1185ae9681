/** Integration tests of the relay against real Postgres and Kafka servers, with the fixtures they share. */
package io.github.orderoutbox.relay.it;
