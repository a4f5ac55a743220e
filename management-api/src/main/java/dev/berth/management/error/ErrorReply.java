package dev.berth.management.error;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A failure as the client will see it: a status, an UPPER_SNAKE code and a sentence. */
record ErrorReply(HttpResponseStatus status, String code, String message) {
}
