/** Servers run as Docker containers through Testcontainers, for machines that have a Docker engine. */
package io.github.orderoutbox.testsupport.docker;
