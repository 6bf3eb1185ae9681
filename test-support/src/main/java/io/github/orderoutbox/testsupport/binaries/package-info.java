/** Servers run from binaries on the class path (Maven Central artifacts), each as a separate OS process owned by this JVM. */
package io.github.orderoutbox.testsupport.binaries;
