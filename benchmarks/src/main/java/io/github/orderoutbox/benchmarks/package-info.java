/** Load harness of the relay: drain throughput and commit-to-consume latency against real servers, beside their baselines. */
package io.github.orderoutbox.benchmarks;
