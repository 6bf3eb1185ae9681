/** Real Postgres, Kafka and Redis servers for tests, taken from the environment, Docker, or binaries from Maven Central. */
package io.github.orderoutbox.testsupport;
