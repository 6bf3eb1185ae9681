/** OS processes of servers: started behind a watchdog so none outlives its JVM, probed, stopped in order; their files and ports. */
package io.github.orderoutbox.localstack.process;
