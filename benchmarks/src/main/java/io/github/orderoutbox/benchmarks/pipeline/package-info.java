/** JMH microbenchmarks of the consumer's pipe chain: what one pipe costs, timed and untimed. */
package io.github.orderoutbox.benchmarks.pipeline;
