/** The chaos run: the whole system as separate processes under seeded faults, then an invariant check. */
package io.github.orderoutbox.endtoend.chaos;
