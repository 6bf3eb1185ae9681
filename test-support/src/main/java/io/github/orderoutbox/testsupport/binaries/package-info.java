/** The local stack's servers (module local-stack: binaries from Maven Central, each a separate OS process) as test servers. */
package io.github.orderoutbox.testsupport.binaries;
