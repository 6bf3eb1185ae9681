/** The user's path: packaged jars, compose files and docs checked as a newcomer meets them. */
package io.github.orderoutbox.endtoend;
