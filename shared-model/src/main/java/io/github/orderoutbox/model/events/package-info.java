/** The order events, as immutable records of the newest version of each type, and the catalogue of known types. */
package io.github.orderoutbox.model.events;
