/** Load harnesses of the relay and the consumer: throughput, latency and CPU against real servers, beside their baselines. */
package io.github.orderoutbox.benchmarks;
