package org.mcpfront.bus;

/**
 * Names one client stream held by an edge verticle, possibly on another cluster member: the edge's
 * event-bus inbox plus the stream's id within it. Sessions deliver to it point to point.
 */
public record StreamRef(String inbox, String streamId) {
}
