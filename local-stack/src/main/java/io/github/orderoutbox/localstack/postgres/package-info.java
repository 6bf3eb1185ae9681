/** Postgres 17 from zonky's binaries on Maven Central, run as a separate OS process. */
package io.github.orderoutbox.localstack.postgres;
