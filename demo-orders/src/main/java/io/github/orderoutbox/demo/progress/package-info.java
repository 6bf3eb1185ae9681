/** What the demo has written so far, as counters, metrics and whether it is done. */
package io.github.orderoutbox.demo.progress;
