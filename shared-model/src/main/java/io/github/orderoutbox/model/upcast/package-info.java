/** Turning the payload of an older event version into the newest one, on the JSON tree, before any domain code sees it. */
package io.github.orderoutbox.model.upcast;
