/** The launcher behind {@code ./run}: its options, the order in which the stack starts and stops, and what it shows. */
package io.github.orderoutbox.localstack.launcher;
