/** Servers that someone else runs, given to the tests by environment variables; they cannot be stopped from here. */
package io.github.orderoutbox.testsupport.environment;
